"""``reviewer`` builds only the parser of the subcommand asked for (start-up time,
docs/performance.md): each one is the same as in the whole parser, and the subcommand is found
past the top-level options however they are written."""

from __future__ import annotations

import argparse

import pytest

from reviewer.cli.main import _command_in, build_parser


def commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def helps(parser: argparse.ArgumentParser, path: str = "") -> dict[str, str]:
    """Every parser's help under ``parser``, by its words."""
    found = {path: parser.format_help()}
    for name, sub in commands(parser).items():
        found.update(helps(sub, f"{path} {name}".strip()))
    return found


def test_each_subcommand_alone_is_as_in_the_whole_parser():
    whole = build_parser()
    for name, sub in commands(whole).items():
        alone = build_parser(name)
        assert list(commands(alone)) == [name]
        assert helps(commands(alone)[name], name) == helps(sub, name)


def test_an_unknown_command_gets_the_whole_parser():
    assert len(commands(build_parser("tall"))) == len(commands(build_parser())) > 20


@pytest.mark.parametrize(("argv", "command"), [
    (["tally", "A"], "tally"),
    (["--db", "tally", "audit", "list"], "audit"),
    (["--db=x.db", "--reviewer", "me", "history", "A"], "history"),
    (["--rev", "tally", "--allow-network-drive", "answers", "import", "A", "f.csv"], "answers"),
    (["tally", "A", "--db", "x.db"], "tally"),
    (["--help"], None),
    (["--version"], None),
    (["--db"], None),
    ([], None),
])
def test_the_command_is_found_past_the_top_level_options(argv, command):
    assert _command_in(argv) == command
