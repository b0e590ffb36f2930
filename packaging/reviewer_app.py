"""The packaged program's start script (PyInstaller runs this file as ``__main__``): the desktop
app, or the ``reviewer`` command when a subcommand is named (``ui.app.program``). The spec builds
it twice: ``reviewer`` (the app; a windowed program on Windows) and ``reviewer-cli`` (always the
command; a console program on Windows)."""

import sys

from ui.app.program import main

if __name__ == "__main__":
    sys.exit(main())
