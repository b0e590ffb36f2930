"""The packaged program's start script (PyInstaller runs this file as ``__main__``): the desktop
app, or the ``reviewer`` command when a subcommand is named (``ui.app.program``). The spec builds
it twice: ``reviewer`` (the app; a windowed program on Windows) and ``reviewer-cli`` (always the
command; a console program on Windows). Run with ``--halves-worker`` it is an import's helper
process (``reviewer.store.halves``), as ``python -m reviewer.store.halves_worker`` is."""

import sys

from ui.app.program import main

if __name__ == "__main__":
    if sys.argv[1:] == ["--halves-worker"]:
        from reviewer.store.halves_worker import serve

        sys.exit(serve())
    sys.exit(main())
