"""The packaged program's one entry (PyInstaller, ``packaging/reviewer_app.py``): the desktop
app, or the ``reviewer`` command when its arguments name one of the command's subcommands.

A managed desktop gets only the packaged folder, so it carries both (docs/packaging.md):

- ``reviewer`` (with ``.exe`` on Windows): no arguments, or only the app's options, opens the app;
  ``reviewer tally "BTP ASB 2012 (demo)"`` (any word: a subcommand) runs the command;
  ``reviewer cli …`` always runs the command, ``reviewer gui …`` always opens the app.
- ``reviewer-cli`` (``reviewer-cli.exe``, a console program on Windows, where the app has no
  console to print to): always the command.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

# the options both programs take with a value: the value is never a subcommand
_WITH_VALUE = ("--db", "--reviewer", "--quit-after")


def first_word(argv: Sequence[str]) -> str | None:
    """The first argument that is neither an option nor an option's value."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--":
            return None
        if arg.startswith("-"):
            skip = arg in _WITH_VALUE
            continue
        return arg
    return None


def choose(argv: Sequence[str], program: str = "reviewer") -> tuple[str, list[str]]:
    """("cli" or "gui", the arguments to give it)."""
    argv = list(argv)
    word = first_word(argv)
    if program.startswith("reviewer-cli"):
        return "cli", argv
    if word in ("cli", "gui"):
        rest = argv.copy()
        rest.remove(word)
        return word, rest
    if word is not None or "--version" in argv:   # the app takes no word: a (mistyped)
        return "cli", argv                          # subcommand gets the command's own help
    return "gui", argv


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    which, rest = choose(argv, Path(sys.argv[0]).stem.lower())
    if which == "cli":
        from reviewer.cli import main as cli_main

        return cli_main(rest)
    from ui.__main__ import main as gui_main

    return gui_main(rest)
