"""The results commands of ``reviewer``: report (PDF), results (XLSX/CSV), feedback (XLSX per
person) and compare. Heavy libraries load inside the handlers, never at import (``reviewer
tally`` must stay fast). Data goes to stdout, messages for people to stderr."""

from __future__ import annotations

import argparse
import sys

from reviewer.cli.common import (
    audit_argument,
    command,
    disclosure,
    disclosure_options,
    open_ws,
    warn,
)
from reviewer.errors import ReviewerError


def add_commands(sub, groups: dict | None = None) -> None:
    r = sub.add_parser("report", help="the printable results report (A4 PDF)")
    audit_argument(r)
    r.add_argument("--out", required=True, metavar="FILE.pdf")
    r.add_argument("--compare", metavar="BASELINE",
                   help="add a column comparing each Y rate with this earlier audit")
    disclosure_options(r)
    r.set_defaults(func="report")

    x = sub.add_parser("results", help="the results as a spreadsheet (XLSX) or CSV")
    audit_argument(x)
    x.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.csv")
    disclosure_options(x)
    x.set_defaults(func="results")

    f = sub.add_parser("feedback", help="a workbook with one sheet per value of a record field")
    audit_argument(f)
    f.add_argument("--by", required=True, metavar="FIELD", help="record field, e.g. operator")
    f.add_argument("--out", required=True, metavar="FILE.xlsx")
    disclosure_options(f)
    f.set_defaults(func="feedback")

    c = sub.add_parser("compare", help="compare audits question by question with a baseline")
    audit_argument(c, "baseline")
    audit_argument(c, "later", nargs="+", metavar="LATER")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--chart", metavar="FILE.png", help="also draw the Y rates as a PNG chart")
    disclosure_options(c)
    c.set_defaults(func="compare")


@command("report")
def _report(args: argparse.Namespace) -> int:
    from reviewer.private import check_extension

    check_extension(args.out, (".pdf",), "the report")
    ws = open_ws(args)
    audit = ws.audit(args.name)
    baseline = ws.audit(args.compare) if args.compare else None
    if baseline is not None and baseline.id == audit.id:
        raise ReviewerError("--compare names the same audit as the report")
    from reviewer.ops.disclose import write_report

    write_report(ws, audit.id, args.out, baseline.id if baseline else None, disclosure(args))
    print(f"wrote the results report of '{audit.name}' to {args.out}", file=sys.stderr)
    return 0


@command("results")
def _results(args: argparse.Namespace) -> int:
    from reviewer.private import check_extension

    check_extension(args.out, (".xlsx", ".csv"), "the results file")
    ws = open_ws(args)
    audit = ws.audit(args.name)
    from reviewer.ops.disclose import write_results

    write_results(ws, audit.id, args.out, warn=warn, disclosure=disclosure(args))
    print(f"wrote the results of '{audit.name}' to {args.out}", file=sys.stderr)
    return 0


@command("feedback")
def _feedback(args: argparse.Namespace) -> int:
    from reviewer.private import check_extension

    check_extension(args.out, (".xlsx",), "the feedback workbook")
    ws = open_ws(args)
    audit = ws.audit(args.name)
    from reviewer.ops.disclose import write_feedback

    write_feedback(ws, audit.id, args.by, args.out, warn=warn, disclosure=disclosure(args))
    print(f"wrote feedback by {args.by} for '{audit.name}' to {args.out}", file=sys.stderr)
    return 0


@command("compare")
def _compare(args: argparse.Namespace) -> int:
    names = [args.baseline, *args.later]
    if len(set(names)) != len(names):
        raise ReviewerError("each audit may be named only once in a comparison")
    if args.chart:
        from reviewer.private import check_extension

        check_extension(args.chart, (".png",), "the chart")
    ws = open_ws(args)
    audits = [ws.audit(n) for n in names]
    from reviewer.outputs.compare_text import to_text

    result = ws.compare(audits)
    for warning in result.warnings:
        warn(warning)
    if args.format == "json":
        import json

        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(to_text(result))
    if args.chart:
        from reviewer.ops.disclose import write_comparison_chart

        write_comparison_chart(ws, result, args.chart, disclosure(args))
        print(f"wrote the chart to {args.chart}", file=sys.stderr)
    return 0
