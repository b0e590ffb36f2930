"""``python -m reviewer`` is the ``reviewer`` command."""

import sys

from reviewer.cli import main

sys.exit(main())
