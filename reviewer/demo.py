"""The demo audit: the bundled ASB 2012 question set with its 100 demo records.

Only the demo command makes it (``reviewer demo``, ``reviewer gui --demo``, ``scripts/demo``);
an empty database stays empty, so a real or shared database never receives synthetic records.
"""

from __future__ import annotations

from reviewer.bundled import demo_csv, resolve_set
from reviewer.errors import NotFound
from reviewer.ops.audits import create_audit
from reviewer.ops.importer import import_answers
from reviewer.store.audits import AuditInfo
from reviewer.workspace import Workspace

DEMO_NAME = "BTP ASB 2012 (demo)"
DEMO_SET = "hmic-asb-call-listening-2012"


def ensure_demo(ws: Workspace) -> tuple[AuditInfo, bool]:
    """The demo audit, and whether it was created now (from the bundled files)."""
    try:
        return ws.audit(DEMO_NAME), False
    except NotFound:
        pass
    audit = create_audit(ws, DEMO_NAME, resolve_set(DEMO_SET),
                         "Demo: 100 synthetic incident records whose answers reproduce "
                         "Appendix A of the 2012 HMIC ASB call-listening results.").value
    import_answers(ws, audit.id, demo_csv())
    ensure_plan_demo(ws)
    ensure_calibration_demo(ws)
    return ws.audit(DEMO_NAME), True


REAUDIT_NAME = "BTP ASB 2013 re-audit (demo)"
PLAN_NAME = "ASB improvement plan 2012 (demo)"


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
