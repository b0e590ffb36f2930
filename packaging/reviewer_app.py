"""The packaged program's start script (PyInstaller runs this file as ``__main__``): the desktop
app, as ``python -m ui`` starts it."""

import sys

from ui.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
