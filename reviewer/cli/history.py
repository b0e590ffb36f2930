"""``reviewer history NAME [--ref REF] [--format text|json]``: every change to an audit, who
and when, before and after (docs/contracts.md §6)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import TextIO

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
    return print_events(ws, audit.name, ws.history_stream(audit.id, args.ref), args.format,
                        f"no events{what} in the history of '{audit.name}'")


def print_events(ws, audit_name: str, found: Iterable, fmt: str, none: str) -> int:
    """Events as ``history`` prints them (JSON, or one line each), written as they are read;
    ``none`` when there are none. Names from a desk file are said to be unverified
    (docs/contracts.md §10)."""
    if fmt == "json":
        write_json(sys.stdout, audit_name, found, not ws.desk_file)
        return 0
    shown = False
    for event in found:
        print(event.text())
        shown = True
    if not shown:
        print(f"reviewer: {none}", file=sys.stderr)
    if ws.desk_file and shown:
        print("reviewer: (desk file: names not verified)", file=sys.stderr)
    return 0


def write_json(out: TextIO, audit_name: str, found: Iterable,
               names_verified: bool | None) -> None:
    """``json.dumps(history_dict(...), indent=2, ensure_ascii=False)`` and a newline, byte for
    byte, written an event at a time (docs/performance.md). Newlines in the encoder's output
    come only from its indentation (strings escape theirs), so each event's lines are indented
    by replacing them."""
    out.write('{\n  "audit": ' + json.dumps(audit_name, ensure_ascii=False) + ',\n  "events": [')
    first = True
    for event in found:
        body = json.dumps(event.to_dict(), indent=2, ensure_ascii=False)
        out.write(("\n    " if first else ",\n    ") + body.replace("\n", "\n    "))
        first = False
    out.write("]" if first else "\n  ]")
    if names_verified is not None:
        out.write(',\n  "names_verified": ' + json.dumps(names_verified))
    out.write("\n}\n")
