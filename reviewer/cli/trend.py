"""``reviewer trend A B C ... [--question Q ...] [--baseline K] [--chart FILE] [--plan PLAN]
[--format text|json]`` (docs/contracts.md §13, docs/trend.md): p-charts of the Y rates across
audits."""

from __future__ import annotations

import argparse
import sys

from reviewer.cli.common import audit_argument, command, disclosure, disclosure_options, open_ws


def add_commands(sub, groups: dict) -> None:
    t = sub.add_parser("trend", help="p-charts with control limits of each yes/no question's "
                                     "Y rate across three or more audits")
    audit_argument(t, "audits", metavar="AUDIT", nargs="+")
    t.add_argument("--question", action="extend", nargs="+", metavar="Q",
                   help="only these questions (--question 1 2, or --question 1 --question 2)")
    t.add_argument("--baseline", type=int, metavar="K", help="the first K audits set the "
                   "centre line (default: the first half, at least two)")
    t.add_argument("--chart", metavar="FILE.png", help="also draw the charts as a PNG")
    t.add_argument("--out", metavar="FILE.pdf", help="also write the charts and their tables "
                   "as a PDF page")
    t.add_argument("--plan", metavar="PLAN", help="mark this improvement plan's due dates")
    t.add_argument("--format", choices=("text", "json"), default="text")
    disclosure_options(t)
    t.set_defaults(func="trend")


@command("trend")
def _trend(args: argparse.Namespace) -> int:
    from reviewer.errors import ReviewerError
    from reviewer.private import check_extension

    if len(set(args.audits)) != len(args.audits):
        raise ReviewerError("each audit may be named only once in a trend")
    if args.chart:
        check_extension(args.chart, (".png",), "the chart")
    if args.out:
        check_extension(args.out, (".pdf",), "the trend report")
    from reviewer.analysis.trend import baseline_size

    baseline_size(len(args.audits), args.baseline)
    ws = open_ws(args)
    audits = [ws.audit(n) for n in args.audits]
    result = build(ws, audits, args.baseline, args.question, args.plan)
    versions = sorted({a.set_version for a in audits})
    if len(versions) > 1:
        print(f"reviewer: note: the audits use versions {', '.join(map(str, versions))} of "
              "their question set: questions whose wording changed are not charted",
              file=sys.stderr)
    if args.format == "json":
        import json

        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        from reviewer.outputs.trend_text import to_text

        sys.stdout.write(to_text(result))
    if args.chart:              # disclosures, written as every output is (docs/safe-files.md)
        from reviewer.ops.disclose import write_trend_chart

        write_trend_chart(ws, [a.id for a in audits], result, args.chart,
                          disclosure(args))
        print(f"wrote the chart to {args.chart}", file=sys.stderr)
    if args.out:
        from reviewer.ops.disclose import write_trend_report

        write_trend_report(ws, [a.id for a in audits], result, args.out,
                           disclosure(args))
        print(f"wrote the trend to {args.out}", file=sys.stderr)
    return 0


def build(ws, audits, baseline, questions, plan_name):
    """The trend of these audits, with a plan's due dates where given."""
    from reviewer.analysis.trend import add_plan_items, period, trend
    from reviewer.store.records import field_values

    result = trend([a.name for a in audits], [ws.tally(a) for a in audits], baseline,
                   questions)
    if plan_name:
        from reviewer.analysis.plans import paragraph_links

        plan = ws.plan(plan_name)
        qs = ws.question_set(audits[0])
        periods = [period(a.created_at, field_values(ws.db, a.id, "date")) for a in audits]

        def linked(item, qid: str) -> bool:
            if item.questions:
                return qid in item.questions
            return paragraph_links(item.ref, qs.by_id[qid].ref)

        add_plan_items(result, plan.items, periods, linked)
    return result
