"""``reviewer tally``: the results tables as text, CSV or JSON (docs/contracts.md §3)."""

from __future__ import annotations

import argparse
import sys

from reviewer.cli.common import audit_argument, command, open_db


def add_commands(sub, groups: dict) -> None:
    t = sub.add_parser("tally", help="the results tables")
    audit_argument(t)
    t.add_argument("--format", choices=("text", "csv", "json"), default="text")
    t.add_argument("--by", metavar="FIELD", help="one tally per value of this record field "
                   "(csv: one table whose first column is the field's value)")
    t.set_defaults(func="tally")


@command("tally")
def _tally(args: argparse.Namespace) -> int:
    from reviewer import figures
    from reviewer.figures import tally, tally_grouped
    from reviewer.outputs import tally_format as fmt
    from reviewer.store.audits import get_audit, question_set

    db = open_db(args)
    audit = get_audit(db, args.name)
    qs = question_set(db, audit)
    if args.by:
        overall, groups = tally_grouped(db, audit, args.by, qs)
        if args.format == "json":
            print(fmt.to_json(fmt.grouped_dict(audit, overall, args.by, groups)))
        elif args.format == "csv":
            sys.stdout.write(fmt.to_grouped_csv(args.by, groups))
        else:
            for value, g in groups:
                print(f"== {args.by}: {value or '(blank)'} ==")
                print(fmt.to_text(audit, g))
        return 0
    overall = tally(db, audit, qs)
    weighted = figures.weighted(db, audit, overall)    # unequal strata: docs/contracts.md §13
    if args.format == "json":
        print(fmt.to_json(fmt.tally_dict(audit, overall, weighted)))
    elif args.format == "csv":
        sys.stdout.write(fmt.to_csv(overall))
    else:
        print(fmt.to_text(audit, overall, weighted=weighted))
    return 0
