"""``reviewer history NAME [--ref REF] [--format text|json]``: every change to an audit, who
and when, before and after (docs/contracts.md §6)."""

from __future__ import annotations

import argparse
import json
import sys

from reviewer.cli.common import audit_argument, command, open_ws


def add_commands(sub, groups: dict) -> None:
    h = sub.add_parser("history", help="every change to an audit: who, when, before and after")
    audit_argument(h)
    h.add_argument("--ref", metavar="REF", help="only the events about this record")
    h.add_argument("--format", choices=("text", "json"), default="text")
    h.set_defaults(func="history")


@command("history")
def _history(args: argparse.Namespace) -> int:
    from reviewer.store.history import history_dict

    ws = open_ws(args)
    audit = ws.audit(args.name)
    found = ws.history(audit.id, args.ref)
    if args.format == "json":
        print(json.dumps(history_dict(audit.name, found), indent=2, ensure_ascii=False))
        return 0
    if not found:
        what = f" about '{args.ref}'" if args.ref else ""
        print(f"reviewer: no events{what} in the history of '{audit.name}'", file=sys.stderr)
    for event in found:
        print(event.text())
    return 0
