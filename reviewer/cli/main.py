"""The ``reviewer`` command (docs/contracts.md §3): builds the parser from the groups of subcommands
and runs the chosen handler. Errors: one clear line each on stderr, exit 1; usage errors exit 2;
never a traceback. Data goes to stdout, messages for people to stderr.

To add a group: write a module beside this one with ``add_commands(sub, groups)`` and its
``@command`` handlers (see ``cli/common.py``; ``cli/plans.py`` is one), and add it to ``GROUPS``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from types import ModuleType

from reviewer import __version__
from reviewer.cli.common import (
    COMMANDS,
    CommandParser,
    HelpFormatter,
    RawDescriptionHelpFormatter,
    add_common_options,
)
from reviewer.errors import ReviewerError, UsageError, describe_error
from reviewer.settings import check_environment, debug
from reviewer.text import EscapingWriter, printable

# In this order: a group may add actions to one made before it (team adds to audit).
GROUPS = ("app", "sets", "audits", "answers", "tally", "report", "history", "team", "plans",
          "trend", "listening", "evidence", "roles")
# The groups that add each command or its actions, and those that make the groups of actions
# they add to (team and evidence add to audit's), in GROUPS' order: only they are loaded to run
# the command (docs/performance.md, "Feedback workbook and start-up");
# tests/unit/test_cli_groups.py checks this against the groups themselves.
COMMAND_GROUPS = {
    "gui": ("app",), "demo": ("app",), "sets": ("sets",),
    "audit": ("audits", "team", "evidence"), "answers": ("answers",), "tally": ("tally",),
    "report": ("report",), "results": ("report",), "feedback": ("report",),
    "compare": ("report",), "history": ("history",), "assign": ("audits", "team"),
    "agreement": ("audits", "team"), "plan": ("plans",), "trend": ("trend",),
    "transcripts": ("listening",), "search": ("listening",), "notes": ("listening",),
    "transcribe": ("listening",), "verify": ("audits", "evidence"),
    "access": ("audits", "evidence"), "retention": ("audits", "evidence"),
    "dispose": ("audits", "evidence"), "team": ("roles",)}


def group_modules(command: str | None = None) -> list[ModuleType]:
    """The modules of the groups of ``command`` (every group for None or a command not listed),
    loaded: each registers its handlers (``cli/common.py``) as it loads."""
    names = GROUPS if command is None else COMMAND_GROUPS.get(command, GROUPS)
    return [import_module(f"reviewer.cli.{name}") for name in names]

EPILOG = """\
--db and --reviewer may come before or after the subcommand.

exit status:
  0  done
  1  a problem with the data, a file or the database (one line per problem on stderr),
     including a write that waited its turn for another writer for too long, and an output
     path that is the database itself (or its WAL/journal, or a file reviewer has open)
  2  a usage error (unknown command or option, a missing argument, a wrong file extension,
     a bad REVIEWER_* setting, a name holding a control character)
  130  interrupted (Ctrl-C): one line; a change under way is not saved

shell completion (bash, zsh; argcomplete):
  eval "$(register-python-argcomplete reviewer)"     # add to ~/.bashrc or ~/.zshrc
"""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with ``command``, one whose only subcommand is that one (building the
    other 48 is most of ``reviewer tally``'s start-up: docs/performance.md), or the whole one
    if no group has that command (argparse then names the commands there are)."""
    p = argparse.ArgumentParser(
        prog="reviewer", epilog=EPILOG, formatter_class=RawDescriptionHelpFormatter,
        description="Dip-sampling and call-listening reviews: question sets, audits, answers, "
                    "tallies and reports.")
    p.add_argument("--version", action="version", version=f"reviewer {__version__}")
    add_common_options(p, None)
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND", required=True,
                           parser_class=CommandParser)
    groups: dict = {}
    adder = sub if command is None else _OneCommand(sub, command)
    for group in group_modules(command):
        group.add_commands(adder, groups)
    if isinstance(adder, _OneCommand) and not adder.made:
        return build_parser()
    return p


class _Skipped:
    """Stands for the parser of a subcommand not being run (or anything made from it): every
    call is taken and does nothing."""

    def __getattr__(self, _name: str):
        return self._take

    def _take(self, *_args, **_kwargs) -> _Skipped:
        return self


class _OneCommand:
    """The subcommands action as the groups see it, making only ``command``'s parser."""

    def __init__(self, sub, command: str):
        self._sub, self._command, self.made = sub, command, False

    def add_parser(self, name: str, **kwargs):
        if name != self._command and self._command not in kwargs.get("aliases", ()):
            return _Skipped()
        self.made = True
        return self._sub.add_parser(name, **kwargs)


class _Probe(argparse.ArgumentParser):
    def error(self, message: str):
        raise ValueError(message)


def _command_in(argv: Sequence[str] | None) -> str | None:
    """The subcommand asked for (the first word that is not a top-level option or its value),
    or None: then the whole parser is built (help, completion, a usage error)."""
    if "_ARGCOMPLETE" in os.environ:
        return None
    probe = _Probe(add_help=False, formatter_class=HelpFormatter)
    add_common_options(probe, None)
    try:
        _, rest = probe.parse_known_args(sys.argv[1:] if argv is None else list(argv))
    except ValueError:
        return None
    return rest[0] if rest and not rest[0].startswith("-") else None


def _complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request, if this run is one (argcomplete)."""
    if "_ARGCOMPLETE" in os.environ:
        import argcomplete

        argcomplete.autocomplete(parser)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Whatever it prints passes through ``reviewer.text``'s escaping, so text
    from a file or a person never reaches the terminal as a control character."""
    parser = build_parser(_command_in(argv))
    _complete(parser)
    out, err = sys.stdout, sys.stderr
    sys.stderr = EscapingWriter(err, keep="\n")
    try:
        sys.stdout = EscapingWriter(out)            # argparse echoes what it was given
        args = parser.parse_args(argv)
        sys.stdout = EscapingWriter(out, json=getattr(args, "format", None) == "json")
        return _run(args)
    finally:
        sys.stdout, sys.stderr = out, err


def _run(args: argparse.Namespace) -> int:
    handler = COMMANDS[args.func]
    try:
        check_environment()
        return handler(args)
    except UsageError as exc:
        command_name = getattr(args, "func", "")
        for line in map(_shown, exc.problems):      # a located one (FILE: ...) stays as is
            print(line if ":" in line.split(" ")[0] else
                  f"reviewer: usage: {line} (see: reviewer {command_name} --help)",
                  file=sys.stderr)
        return exc.exit_status
    except ReviewerError as exc:
        for line in map(_shown, exc.problems):
            print(f"reviewer: {line}" if ":" not in line.split(" ")[0] else line,
                  file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:          # Ctrl-C: a transaction under way was rolled back
        print("reviewer: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - never a traceback; REVIEWER_DEBUG=1 shows one
        if debug():
            raise
        print(f"reviewer: {_shown(describe_error(exc))}", file=sys.stderr)
        return 1


def _shown(line: str) -> str:
    """An error line as printed: passwords masked, control characters escaped."""
    from reviewer.urls import redact  # only here: ``reviewer --help`` stays fast

    return printable(redact(line))


if __name__ == "__main__":
    sys.exit(main())
