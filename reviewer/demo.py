"""The demo audits: the bundled ASB 2012 question set with its 100 demo records, a synthetic
2013 re-audit with the 2012 improvement plan (for the Plan view), a calibration audit scored by a
second (synthetic) reviewer (for the Calibration view), twelve monthly self-audits (for the
trend, ``reviewer.demo_monthly``), and a small audit left partly unscored, for a newcomer to try
the keys on.

Only the demo command makes them (``reviewer demo``, ``reviewer gui --demo``, ``scripts/demo``);
an empty database stays empty, so a real or shared database never receives synthetic records.

The audit to score holds the first :data:`TO_SCORE_RECORDS` demo records (their fields and
recordings). The last :data:`TO_SCORE_ANSWERED` of them keep their demo answers; the others are
blank, so the first record a newcomer meets is unanswered. It is imported from a table written
to a private temporary folder (through ``private_output``) and removed afterwards."""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

from reviewer.bundled import DEMO_SET, demo_csv, resolve_set
from reviewer.errors import NotFound
from reviewer.ops.audits import create_audit
from reviewer.ops.importer import import_answers
from reviewer.private import private_output
from reviewer.store.audits import AuditInfo
from reviewer.workspace import Workspace

DEMO_NAME = "BTP ASB 2012 (demo)"
REAUDIT_NAME = "BTP ASB 2013 re-audit (demo)"
PLAN_NAME = "ASB improvement plan 2012 (demo)"
TO_SCORE_NAME = "ASB practice (demo, to score)"
TO_SCORE_RECORDS = 20
TO_SCORE_ANSWERED = 8
FIELDS = ("ref", "date", "area", "operator", "channel", "audio")


def ensure_demo(ws: Workspace, to_score: bool = True,
                monthly: bool = False) -> tuple[AuditInfo, bool]:
    """The demo audit, and whether it was created now (from the bundled files, with the
    re-audit, the plan and the calibration audit); with ``to_score`` the audit to score is made
    too if missing, with ``monthly`` the twelve monthly self-audits."""
    from reviewer.demo_monthly import ensure_monthly_demo

    if monthly:
        ensure_monthly_demo(ws)             # first: the audits below stay the latest
    try:
        main, created = ws.audit(DEMO_NAME), False
    except NotFound:
        audit = create_audit(ws, DEMO_NAME, resolve_set(DEMO_SET),
                             "Demo: 100 synthetic incident records whose answers reproduce "
                             "Appendix A of the 2012 HMIC ASB call-listening results.").value
        import_answers(ws, audit.id, demo_csv())
        ensure_plan_demo(ws)
        ensure_calibration_demo(ws)
        main, created = ws.audit(DEMO_NAME), True
    if to_score:
        ensure_to_score(ws)
    return main, created


def ensure_plan_demo(ws: Workspace) -> None:
    """A synthetic 2013 re-audit and the 2012 ASB improvement plan (Appendix B of the paper),
    so the Plan view shows whether each action worked."""
    from reviewer.bundled import demo_file
    from reviewer.ops.plans import import_plan

    try:
        ws.audit(REAUDIT_NAME)
    except NotFound:
        later = create_audit(ws, REAUDIT_NAME, resolve_set(DEMO_SET),
                             "Demo: a synthetic re-audit of 100 calls a year on, after the "
                             "call-handler training of the improvement plan.").value
        import_answers(ws, later.id, demo_file("demo-asb-2013.csv"))
    import_plan(ws, PLAN_NAME, demo_file("asb-improvement-plan-2012.csv"))


CALIBRATION_NAME = "BTP ASB 2012 calibration (demo)"
SECOND_REVIEWER = "B. Second (demo)"


def ensure_calibration_demo(ws: Workspace) -> None:
    """20 records of the demo audit scored again, blind, by a second reviewer (synthetic), so the
    Calibration view shows agreement, kappa and disagreements to adjudicate."""
    from reviewer.bundled import demo_file
    from reviewer.ops.calibrate import create_calibration

    try:
        ws.audit(CALIBRATION_NAME)
        return
    except NotFound:
        pass
    made = create_calibration(ws, CALIBRATION_NAME, ws.audit(DEMO_NAME).id, 20, 2012).value
    second = Workspace(ws.db, SECOND_REVIEWER)
    import_answers(second, made.audit.id, demo_file("demo-asb-2012-calibration.csv"))


def ensure_to_score(ws: Workspace) -> tuple[AuditInfo, bool]:
    """The partly unscored demo audit, and whether it was created now."""
    try:
        return ws.audit(TO_SCORE_NAME), False
    except NotFound:
        pass
    audit = create_audit(ws, TO_SCORE_NAME, resolve_set(DEMO_SET),
                         f"Demo: {TO_SCORE_RECORDS} records to practise scoring on; "
                         f"{TO_SCORE_ANSWERED} are already scored.").value
    folder = Path(tempfile.mkdtemp(prefix="reviewer-demo-"))
    try:
        table = folder / "asb-practice-demo.csv"
        with private_output(table) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(to_score_rows())
        import_answers(ws, audit.id, table)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return ws.audit(TO_SCORE_NAME), True


def to_score_rows() -> list[list[str]]:
    """The table of the audit to score: header, then its records (answers blank on the first
    ones); recordings as absolute paths, since the table is written elsewhere."""
    source = demo_csv()
    with source.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, records = rows[0], rows[1:TO_SCORE_RECORDS + 1]
    audio = header.index("audio")
    out = [header]
    for i, row in enumerate(records):
        row = list(row)
        if row[audio]:
            row[audio] = str((source.parent / row[audio]).resolve())
        if i < TO_SCORE_RECORDS - TO_SCORE_ANSWERED:
            row = [v if name in FIELDS else "" for name, v in zip(header, row, strict=True)]
        out.append(row)
    return out
