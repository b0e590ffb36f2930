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
    ws = open_ws(args)
    audit = ws.audit(args.name)
    what = f" about '{args.ref}'" if args.ref else ""
    return print_events(ws, audit.name, ws.history(audit.id, args.ref), args.format,
                        f"no events{what} in the history of '{audit.name}'")


def print_events(ws, audit_name: str, found: list, fmt: str, none: str) -> int:
    """Events as ``history`` prints them (JSON, or one line each); ``none`` when there are
    none. Names from a desk file are said to be unverified (docs/contracts.md §10)."""
    from reviewer.store.history import history_dict

    if fmt == "json":
        print(json.dumps(history_dict(audit_name, found, not ws.desk_file), indent=2,
                         ensure_ascii=False))
        return 0
    if not found:
        print(f"reviewer: {none}", file=sys.stderr)
    for event in found:
        print(event.text())
    if ws.desk_file and found:
        print("reviewer: (desk file: names not verified)", file=sys.stderr)
    return 0
