"""The packaged program's one entry (ui.app.program.choose): a subcommand runs the reviewer
command, the app's own options open the app (docs/packaging.md)."""

from __future__ import annotations

import pytest

from ui.app.program import choose, first_word


@pytest.mark.parametrize(("argv", "want"), [
    ([], ("gui", [])),
    (["--demo"], ("gui", ["--demo"])),
    (["--db", "tally.db", "--quit-after", "0.5"], ("gui", ["--db", "tally.db", "--quit-after",
                                                           "0.5"])),
    (["--db", "x.db", "tally", "A"], ("cli", ["--db", "x.db", "tally", "A"])),
    (["tally", "A", "--format", "csv"], ("cli", ["tally", "A", "--format", "csv"])),
    (["cli", "--help"], ("cli", ["--help"])),
    (["gui", "--demo"], ("gui", ["--demo"])),
    (["--version"], ("cli", ["--version"])),
    (["tallly"], ("cli", ["tallly"])),          # the command's own "invalid choice" help
])
def test_the_program_dispatches(argv, want):
    assert choose(argv) == want


def test_reviewer_cli_is_always_the_command():
    assert choose(["--demo"], "reviewer-cli") == ("cli", ["--demo"])
    assert first_word(["--reviewer", "gui", "plan"]) == "plan"
