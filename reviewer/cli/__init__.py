"""The ``reviewer`` command line (SPEC §3)."""

from reviewer.cli.main import main

__all__ = ["main"]
