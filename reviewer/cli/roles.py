"""``reviewer team grant|revoke|list``: who may do what in a database (docs/contracts.md §10)."""

from __future__ import annotations

import argparse
import json
import sys

from reviewer.cli.common import command, open_ws


def add_commands(sub, groups: dict) -> None:
    team = groups["team"] = sub.add_parser(
        "team", help="the team of a database: roles (viewer, reviewer, lead) and display "
                     "names").add_subparsers(dest="team_cmd", metavar="ACTION", required=True)
    g = team.add_parser("grant", help="give a login a role (lead or owner)")
    g.add_argument("login", metavar="LOGIN")
    g.add_argument("--role", required=True, metavar="viewer|reviewer|lead")
    g.add_argument("--name", metavar="DISPLAY NAME", help="the name shown for this login")
    g.set_defaults(func="team grant")
    r = team.add_parser("revoke", help="take a login's role away (lead or owner)")
    r.add_argument("login", metavar="LOGIN")
    r.set_defaults(func="team revoke")
    ls = team.add_parser("list", help="logins, roles, display names, granted by and when")
    ls.add_argument("--format", choices=("text", "json"), default="text")
    ls.set_defaults(func="team list")


@command("team grant")
def _grant(args: argparse.Namespace) -> int:
    from reviewer.errors import UsageError
    from reviewer.ops.roles import grant_role
    from reviewer.store.identity import ROLES

    if args.role not in ROLES:
        raise UsageError(f"unknown role '{args.role}': give viewer, reviewer or lead")
    print(grant_role(open_ws(args), args.login, args.role, args.name).message, file=sys.stderr)
    return 0


@command("team revoke")
def _revoke(args: argparse.Namespace) -> int:
    from reviewer.ops.roles import revoke_role

    print(revoke_role(open_ws(args), args.login).message, file=sys.stderr)
    return 0


@command("team list")
def _list(args: argparse.Namespace) -> int:
    from reviewer.store.identity import DESK_NOTE, members

    ws = open_ws(args)
    found = members(ws.db)
    if args.format == "json":
        doc = {"members": [m.to_dict() for m in found], "names_verified": not ws.desk_file}
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return 0
    if not found:
        print("reviewer: no roles granted in this database yet", file=sys.stderr)
    for m in found:
        print(f"{m.login}\t{m.role}\t{m.display_name or ''}\tgranted by {m.granted_by} "
              f"{m.granted_at}")
    if ws.desk_file and found:
        print(f"reviewer: {DESK_NOTE}", file=sys.stderr)
    return 0
