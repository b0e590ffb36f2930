"""Commands for an audit as a whole and the team working on it: rename, archive, sign-off,
reopen, assign, and agreement between two audits."""

from __future__ import annotations

import argparse
import sys

from reviewer.cli.common import audit_argument, command, open_ws


def add_commands(sub, groups: dict) -> None:
    audit = groups["audit"]
    r = audit.add_parser("rename", help="give an audit a new name")
    audit_argument(r)
    r.add_argument("new_name", metavar="NEW_NAME")
    r.set_defaults(func="audit rename")
    a = audit.add_parser("archive", help="archive an audit (hidden from lists, kept whole)")
    audit_argument(a)
    a.add_argument("--restore", action="store_true", help="bring it back from the archive")
    a.set_defaults(func="audit archive")
    add_team_commands(sub, groups)


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


def add_team_commands(sub, groups: dict) -> None:
    audit = groups["audit"]
    s = audit.add_parser("sign-off", help="sign off an audit: its figures are final, its records "
                                          "and answers read-only (docs/contracts.md §7)")
    audit_argument(s)
    s.set_defaults(func="audit sign-off")
    r = audit.add_parser("reopen", help="reopen a signed-off audit, giving the reason")
    audit_argument(r)
    r.add_argument("--reason", required=True, metavar="TEXT")
    r.set_defaults(func="audit reopen")
    a = sub.add_parser("assign", help="share an audit's unassigned records among reviewers")
    audit_argument(a)
    a.add_argument("--to", required=True, metavar="NAMES", help="e.g. alice,bob,carol")
    a.add_argument("--seed", type=int, metavar="S", help="the random seed (printed if left out)")
    a.set_defaults(func="assign")
    g = sub.add_parser("agreement", help="agreement, kappa, Gwet's AC1 and Krippendorff's alpha "
                                         "among two or more audits of the same question set "
                                         "(docs/contracts.md §8, §13)")
    audit_argument(g, "audits", metavar="AUDIT", nargs="+")
    g.add_argument("--format", choices=("text", "json"), default="text")
    g.set_defaults(func="agreement")


@command("audit sign-off")
def _sign_off(args: argparse.Namespace) -> int:
    from reviewer.ops.team import sign_off

    ws = open_ws(args)
    audit = ws.audit(args.name)
    if audit.complete < audit.records and not audit.signed_off:
        print(f"reviewer: warning: {audit.records - audit.complete} of {audit.records} records "
              f"of '{audit.name}' are incomplete", file=sys.stderr)
    print(sign_off(ws, audit.id).message, file=sys.stderr)
    return 0


@command("audit reopen")
def _reopen(args: argparse.Namespace) -> int:
    from reviewer.ops.team import reopen

    ws = open_ws(args)
    print(reopen(ws, ws.audit(args.name).id, args.reason).message, file=sys.stderr)
    return 0


@command("assign")
def _assign(args: argparse.Namespace) -> int:
    from reviewer.ops.team import assign, reviewer_names

    names = reviewer_names(args.to)
    ws = open_ws(args)
    done = assign(ws, ws.audit(args.name).id, names, args.seed)
    print(done.message, file=sys.stderr)
    if args.seed is None:
        print(f"reviewer: the seed was {done.value.seed} (give --seed {done.value.seed} to "
              "share them the same way again)", file=sys.stderr)
    return 0


@command("agreement")
def _agreement(args: argparse.Namespace) -> int:
    from reviewer.outputs.agreement_text import iter_json, iter_text

    ws = open_ws(args)
    audits = [ws.audit(name) for name in args.audits]
    result = ws.agreement(*audits)
    sys.stdout.writelines(iter_json(result) if args.format == "json" else iter_text(result))
    return 0
