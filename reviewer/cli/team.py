"""Commands that change an audit as a whole: rename, archive (and restore)."""

from __future__ import annotations

import argparse
import sys

from reviewer.cli.common import command, open_ws


def add_commands(sub, groups: dict) -> None:
    audit = groups["audit"]
    r = audit.add_parser("rename", help="give an audit a new name")
    r.add_argument("name")
    r.add_argument("new_name", metavar="NEW_NAME")
    r.set_defaults(func="audit rename")
    a = audit.add_parser("archive", help="archive an audit (hidden from lists, kept whole)")
    a.add_argument("name")
    a.add_argument("--restore", action="store_true", help="bring it back from the archive")
    a.set_defaults(func="audit archive")


@command("audit rename")
def _rename(args: argparse.Namespace) -> int:
    from reviewer.ops.audits import rename_audit

    ws = open_ws(args)
    print(rename_audit(ws, ws.audit(args.name).id, args.new_name).message, file=sys.stderr)
    return 0


@command("audit archive")
def _archive(args: argparse.Namespace) -> int:
    from reviewer.ops.audits import archive_audit

    ws = open_ws(args)
    done = archive_audit(ws, ws.audit(args.name).id, not args.restore)
    print(done.message, file=sys.stderr)
    return 0
