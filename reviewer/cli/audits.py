"""``reviewer audit``: create and list audits."""

from __future__ import annotations

import argparse
import sys

from reviewer.cli.common import command, open_db, open_ws, set_ids


def add_commands(sub, groups: dict) -> None:
    audit = groups["audit"] = sub.add_parser("audit", help="audits").add_subparsers(
        dest="audit_cmd", metavar="ACTION", required=True)
    c = audit.add_parser("create", help="a new audit using a question set")
    c.add_argument("name")
    c.add_argument("--set", required=True, dest="set_file", metavar="FILE_OR_ID",
                   help="a question-set file, or the id of a bundled set (reviewer sets list)"
                   ).completer = set_ids
    c.add_argument("--description", default="")
    c.set_defaults(func="audit create")
    ls = audit.add_parser("list", help="list audits with their progress")
    ls.add_argument("--all", action="store_true", help="include archived audits")
    ls.set_defaults(func="audit list")


@command("audit create")
def _audit_create(args: argparse.Namespace) -> int:
    from reviewer.bundled import resolve_set
    from reviewer.ops.audits import create_audit

    set_file = resolve_set(args.set_file)
    done = create_audit(open_ws(args), args.name, set_file, args.description)
    print(done.message, file=sys.stderr)
    return 0


@command("audit list")
def _audit_list(args: argparse.Namespace) -> int:
    from reviewer.store.audits import list_audits

    for a in list_audits(open_db(args), include_archived=args.all):
        flag = " (archived)" if a.archived else ""
        print(f"{a.name}\t{a.set_key} v{a.set_version}\t{a.complete}/{a.records} complete{flag}")
    return 0
