"""``reviewer plan``: improvement plans tied to the audits' evidence (docs/contracts.md §9)."""

from __future__ import annotations

import argparse
import json
import sys

from reviewer.cli.common import command, disclosure_options, open_ws


def add_commands(sub, groups: dict) -> None:
    plan = groups["plan"] = sub.add_parser(
        "plan", help="improvement plans and whether their actions worked").add_subparsers(
        dest="plan_cmd", metavar="ACTION", required=True)
    i = plan.add_parser("import", help="import (or update) an improvement plan from CSV/XLSX")
    i.add_argument("plan", metavar="PLAN")
    i.add_argument("file", metavar="FILE")
    i.set_defaults(func="plan import")
    ls = plan.add_parser("list", help="the imported plans")
    ls.set_defaults(func="plan list")
    for action, text in (("status", "each item's evidence across two or more audits"),
                         ("report", "the plan with its evidence as a PDF or XLSX file")):
        p = plan.add_parser(action, help=text)
        p.add_argument("plan", metavar="PLAN")
        p.add_argument("--audits", nargs="+", required=True, metavar="AUDIT",
                       help="the baseline audit, then one or more later ones")
        if action == "status":
            p.add_argument("--format", choices=("text", "json"), default="text")
        else:
            p.add_argument("--out", required=True, metavar="FILE.pdf|FILE.xlsx")
            disclosure_options(p)
        p.set_defaults(func=f"plan {action}")


@command("plan import")
def _import(args: argparse.Namespace) -> int:
    from reviewer.ops.plans import import_plan

    print(import_plan(open_ws(args), args.plan, args.file).message, file=sys.stderr)
    return 0


@command("plan list")
def _list(args: argparse.Namespace) -> int:
    for plan in open_ws(args).plans():
        print(f"{plan.name}\t{len(plan.items)} items\tfrom {plan.source_name}\t"
              f"updated {plan.updated_at[:10]}")
    return 0


def _status(args: argparse.Namespace):
    ws = open_ws(args)
    plan = ws.plan(args.plan)
    audits = [ws.audit(name) for name in args.audits]
    return ws, ws.plan_status(plan, audits)


@command("plan status")
def _plan_status(args: argparse.Namespace) -> int:
    from reviewer.outputs.plan_text import to_text

    if len(args.audits) < 2:
        from reviewer.errors import UsageError

        raise UsageError("--audits needs a baseline and at least one later audit")
    _, status = _status(args)
    if args.format == "json":
        print(json.dumps(status.to_dict(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(to_text(status))
    return 0


@command("plan report")
def _plan_report(args: argparse.Namespace) -> int:
    from reviewer.cli.common import disclosure
    from reviewer.errors import UsageError
    from reviewer.ops.disclose import write_plan_report
    from reviewer.private import check_extension

    suffix = check_extension(args.out, (".pdf", ".xlsx"), "the plan report")
    if len(args.audits) < 2:
        raise UsageError("--audits needs a baseline and at least one later audit")
    ws, status = _status(args)
    write_plan_report(ws, status, args.out, suffix, disclosure(args))
    print(f"wrote the status of plan '{status.plan.name}' to {args.out}", file=sys.stderr)
    return 0
