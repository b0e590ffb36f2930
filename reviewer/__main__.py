"""``python -m reviewer`` is the ``reviewer`` command."""

import sys

from reviewer.cli.main import main

sys.exit(main())
