"""Accountable evidence on the command line (docs/evidence.md): ``verify``, ``access``,
``audit policy``, ``retention set|default|due``, ``dispose``."""

from __future__ import annotations

import argparse
import json
import sys

from reviewer.cli.common import audit_argument, command, open_ws


def add_commands(sub, groups: dict) -> None:
    v = sub.add_parser("verify", help="check the history's hash chain and replay it against "
                                      "the stored answers")
    audit_argument(v, nargs="?")
    v.add_argument("--head", metavar="HASH", help="also check the chain still reaches this "
                                                  "head (printed in every report)")
    v.set_defaults(func="verify")
    a = sub.add_parser("access", help="who viewed records and which files were written "
                                      "(the access log)")
    audit_argument(a)
    a.add_argument("--ref", metavar="REF", help="only this record")
    a.add_argument("--person", metavar="LOGIN", help="only this login")
    a.add_argument("--format", choices=("text", "json"), default="text")
    a.set_defaults(func="access")
    p = groups["audit"].add_parser("policy", help="require a purpose for every file written "
                                                  "from an audit (lead)")
    audit_argument(p)
    p.add_argument("--require-purpose", required=True, choices=("on", "off"), nargs="?",
                   const="on")
    p.set_defaults(func="audit policy")
    r = sub.add_parser("retention", help="review dates of audits' personal data").add_subparsers(
        dest="retention_cmd", metavar="ACTION", required=True)
    s = r.add_parser("set", help="an audit's review date (lead)")
    audit_argument(s)
    s.add_argument("--until", required=True, metavar="YYYY-MM-DD")
    s.set_defaults(func="retention set")
    d = r.add_parser("default", help="years after creation for audits without a date (lead)")
    d.add_argument("--years", required=True, type=int, metavar="N")
    d.set_defaults(func="retention default")
    u = r.add_parser("due", help="audits past their review date")
    u.add_argument("--format", choices=("text", "json"), default="text")
    u.set_defaults(func="retention due")
    x = sub.add_parser("dispose", help="remove an audit's personal data, keeping its figures "
                                       "(lead)")
    audit_argument(x)
    x.add_argument("--reason", required=True, metavar="TEXT")
    x.add_argument("--force", action="store_true",
                   help="before the review date, or an audit not signed off")
    x.set_defaults(func="dispose")


@command("verify")
def _verify(args: argparse.Namespace) -> int:
    from reviewer.errors import UsageError
    from reviewer.store.chain import combined_head
    from reviewer.store.verify import ChainBroken, audit_keys, replay_answers, verify_chain

    head = None
    if args.head is not None:
        try:
            head = bytes.fromhex(args.head.strip())
        except ValueError:
            head = b""
        if len(head) != 32:
            raise UsageError("--head takes the 64 hex digits printed in a report")
        if args.name is None:
            raise UsageError("--head goes with an audit NAME")
    ws = open_ws(args)
    chains = [(ws.audit(args.name).id, args.name)] if args.name else audit_keys(ws.db)
    total, heads = 0, []
    for key, name in chains:
        try:
            done = verify_chain(ws.db, key, head)
            if key:
                replay_answers(ws.db, key)
        except ChainBroken as exc:
            print(exc.line)
            print(f"reviewer: audit '{name}': {exc}", file=sys.stderr)
            return 1
        total += done.events
        if done.head:
            heads.append(done.head)
    shown = (heads[0] if args.name and heads else combined_head(heads) if heads else None)
    print(f"verified {total} events; head {shown.hex() if shown else 'none'}")
    return 0


@command("access")
def _access(args: argparse.Namespace) -> int:
    from reviewer.cli.history import print_events
    from reviewer.store.history import ACCESS

    ws = open_ws(args)
    audit = ws.audit(args.name)
    return print_events(ws, audit.name, ws.history_stream(audit.id, args.ref, ACCESS, args.person),
                        args.format, f"nothing in the access log of '{audit.name}'")


@command("audit policy")
def _policy(args: argparse.Namespace) -> int:
    from reviewer.ops.evidence import set_require_purpose

    ws = open_ws(args)
    done = set_require_purpose(ws, ws.audit(args.name).id, args.require_purpose == "on")
    print(done.message, file=sys.stderr)
    return 0


@command("retention set")
def _retention_set(args: argparse.Namespace) -> int:
    from reviewer.ops.evidence import parse_date, set_retention

    parse_date(args.until)
    ws = open_ws(args)
    print(set_retention(ws, ws.audit(args.name).id, args.until).message, file=sys.stderr)
    return 0


@command("retention default")
def _retention_default(args: argparse.Namespace) -> int:
    from reviewer.ops.evidence import set_default_retention

    print(set_default_retention(open_ws(args), args.years).message, file=sys.stderr)
    return 0


@command("retention due")
def _retention_due(args: argparse.Namespace) -> int:
    from reviewer.ops.evidence import due

    found = due(open_ws(args))
    if args.format == "json":
        print(json.dumps({"due": found}, indent=2, ensure_ascii=False))
        return 0
    if not found:
        print("reviewer: no audit is past its review date", file=sys.stderr)
    for d in found:
        state = "signed off" if d["signed_off"] else "not signed off"
        print(f"{d['audit']}\treview date {d['review_date']}\t{d['records']} records\t{state}")
    return 0


@command("dispose")
def _dispose(args: argparse.Namespace) -> int:
    from reviewer.ops.dispose import dispose
    from reviewer.ops.evidence import reason_text

    reason_text(args.reason)
    ws = open_ws(args)
    print(dispose(ws, ws.audit(args.name).id, args.reason, args.force).message, file=sys.stderr)
    return 0
