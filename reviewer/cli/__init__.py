"""The ``reviewer`` command line (docs/contracts.md §3)."""

from reviewer.cli.main import main

__all__ = ["main"]
