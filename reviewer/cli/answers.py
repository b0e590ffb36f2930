"""``reviewer answers``: import and export answer tables (CSV or XLSX, docs/contracts.md §2)."""

from __future__ import annotations

import argparse
import sys

from reviewer.cli.common import (
    audit_argument,
    command,
    disclosure,
    disclosure_options,
    open_ws,
    warn,
)


def add_commands(sub, groups: dict) -> None:
    answers = groups["answers"] = sub.add_parser(
        "answers", help="answer tables (CSV or XLSX)").add_subparsers(
        dest="answers_cmd", metavar="ACTION", required=True)
    i = answers.add_parser("import", help="import an answer table")
    audit_argument(i)
    i.add_argument("file")
    i.set_defaults(func="answers import")
    e = answers.add_parser("export", help="export the answer table (audio paths relative to "
                                          "the exported file where possible)")
    audit_argument(e)
    e.add_argument("file")
    e.add_argument("--pseudonymise", action="store_true",
                   help="refs become keyed pseudonyms; notes and record fields are dropped "
                        "unless kept with --keep")
    e.add_argument("--keep", action="append", default=[], metavar="FIELD",
                   help="with --pseudonymise: keep this record field (or note:ID column); "
                        "repeat for more")
    disclosure_options(e)
    e.set_defaults(func="answers export")


@command("answers import")
def _answers_import(args: argparse.Namespace) -> int:
    from reviewer.ops.importer import import_answers

    ws = open_ws(args)
    done = import_answers(ws, ws.audit(args.name).id, args.file)
    print(done.message, file=sys.stderr)
    return 0


@command("answers export")
def _answers_export(args: argparse.Namespace) -> int:
    from reviewer.files.tables import TABLE_SUFFIXES
    from reviewer.ops.disclose import write_answers
    from reviewer.private import check_extension

    check_extension(args.file, TABLE_SUFFIXES, "the answer table")
    if args.keep and not args.pseudonymise:
        from reviewer.errors import UsageError

        raise UsageError("--keep goes with --pseudonymise")
    ws = open_ws(args)
    done = write_answers(ws, ws.audit(args.name).id, args.file, warn=warn,
                         disclosure=disclosure(args), pseudonymise=args.pseudonymise,
                         keep=args.keep)
    print(f"wrote {done.value} records to {args.file}", file=sys.stderr)
    return 0
