"""What every group of ``reviewer`` subcommands shares: the handler registry, the options that
may come before or after a subcommand (``--db``, ``--reviewer``), opening the database, and the
shell-completion helpers.

A group is a module in this folder with ``add_commands(sub, groups)``: it adds its parsers to
``sub`` (an argparse subparsers action), each ending with ``set_defaults(func="group action")``,
and registers the handler of each with ``@command("group action")``. A group with actions
(``audit create``, ``audit list`` …) puts its subparsers action in ``groups["audit"]`` so that a
later module can add actions to it. ``cli/main.py`` lists the modules in ``GROUPS``, and the
commands each adds in ``COMMAND_GROUPS``. Handlers import what they need inside their body, so
``reviewer tally`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, Handler] = {}

DB_HELP = ("database file path or SQLAlchemy URL (default: REVIEWER_DB, else reviewer.db in the "
           "user's data folder)")
REVIEWER_HELP = "who is answering (default: REVIEWER_NAME, else the operating-system user)"


def command(name: str) -> Callable[[Handler], Handler]:
    """Register ``fn`` as the handler of the parser whose ``func`` default is ``name``."""
    def register(fn: Handler) -> Handler:
        COMMANDS[name] = fn
        return fn
    return register


def add_common_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--db", default=default, help=DB_HELP)
    parser.add_argument("--reviewer", default=default, help=REVIEWER_HELP)
    parser.add_argument("--allow-network-drive", action="store_true",
                        default=default if default is argparse.SUPPRESS else False,
                        help="open a SQLite file on a network drive anyway: no WAL, an "
                             "exclusive lock, one person at a time")


def terminal_width() -> int:
    """``shutil.get_terminal_size().columns`` (``COLUMNS``, else the terminal's, else 80)
    without loading shutil: argparse's help formatter loads it for this alone, with bz2 and
    lzma, on every ``add_argument`` (docs/performance.md, "Feedback workbook and start-up")."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help formatter, its width found by :func:`terminal_width`."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         terminal_width() - 2 if width is None else width)


class RawDescriptionHelpFormatter(HelpFormatter, argparse.RawDescriptionHelpFormatter):
    """argparse's, keeping the description's and epilog's own line breaks."""


class CommandParser(argparse.ArgumentParser):
    """The parser of every subcommand: takes ``--db`` and ``--reviewer`` too, so they work after
    the subcommand as well as before it. Not given, they leave the top-level value alone."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        add_common_options(self, argparse.SUPPRESS)


def open_ws(args: argparse.Namespace):
    """The Workspace for a command: the database (``--db``, else ``REVIEWER_DB``, else the
    user's data folder) and who is working (``--reviewer``, else ``REVIEWER_NAME``, else the
    operating-system user). A writer that must wait for another says so once on stderr."""
    import os

    from reviewer.paths import database_target, reviewer_name
    from reviewer.workspace import Workspace

    if getattr(args, "allow_network_drive", False):
        os.environ["REVIEWER_ALLOW_NETWORK_DRIVE"] = "1"      # the app started from here too
    ws = Workspace.open(database_target(args.db), reviewer_name(args.reviewer))
    if ws.db.network_drive:
        print("reviewer: the database is on a network drive: opened without WAL, with an "
              "exclusive lock; one person at a time (others wait until this command ends)",
              file=sys.stderr)
    told = []

    def waiting(seconds: float) -> None:
        if seconds >= 1 and not told:
            told.append(True)
            print(f"reviewer: another writer is at work; waiting (up to "
                  f"{ws.db.lock_timeout:.0f} s)…", file=sys.stderr)

    ws.on_wait(waiting)
    return ws


def disclosure_options(parser: argparse.ArgumentParser) -> None:
    """``--purpose`` and ``--recipient``: why a file is written and for whom (the access log,
    docs/evidence.md)."""
    parser.add_argument("--purpose", metavar="TEXT",
                        help="why this file is written (recorded in the access log)")
    parser.add_argument("--recipient", metavar="TEXT",
                        help="who receives it (recorded in the access log)")


def disclosure(args: argparse.Namespace):
    from reviewer.ops.disclose import Disclosure

    return Disclosure(getattr(args, "purpose", None), getattr(args, "recipient", None))


def warn(line: str) -> None:
    """A warning for the person running the command (stderr: stdout may carry data)."""
    print(f"reviewer: warning: {line}", file=sys.stderr)


def open_db(args: argparse.Namespace):
    return open_ws(args).db


# -- shell completion (argcomplete calls these only while completing) --------------------------
def audit_names(prefix: str, parsed_args: argparse.Namespace, **_kwargs) -> list[str]:
    """Audit names from the database named by ``--db`` / ``REVIEWER_DB`` (nothing on error)."""
    try:
        from reviewer.paths import database_target

        target = database_target(getattr(parsed_args, "db", None))
        if "://" not in target and not Path(target).is_file():
            return []          # pressing TAB must not create a database
        from reviewer.store.audits import list_audits

        names = [a.name for a in list_audits(open_db(parsed_args), include_archived=True)]
    except Exception:  # noqa: BLE001 - completion must never print an error
        return []
    return [n for n in names if n.startswith(prefix)]


def set_ids(prefix: str, **_kwargs) -> list[str]:
    """The bundled question sets' ids (a file path is completed by the shell)."""
    try:
        from reviewer.bundled import bundled_sets

        return [s.id for s in bundled_sets() if s.id.startswith(prefix)]
    except Exception:  # noqa: BLE001 - completion must never print an error
        return []


def audit_argument(parser: argparse.ArgumentParser, dest: str = "name", **kwargs) -> None:
    """A positional audit name that completes from the database."""
    parser.add_argument(dest, **kwargs).completer = audit_names
