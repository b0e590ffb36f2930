"""The lead's outputs from the app, one per screen, with the command line's options (safe files:
docs/contracts.md §5; docs/keyboard.md lists their keys): each asks for a file (the extension
picks the format) and runs the core's operation behind a progress dialog, as ``reviewer`` would.

- Results: the feedback workbook by a record field (``reviewer feedback --by``), the Y-rate
  chart (PNG); the report and the results table are in ``export_actions``.
- Compare: the comparison report (``reviewer report LATER --compare BASELINE``) and the trend
  chart (``reviewer compare … --chart``).
- Plan: the plan report, PDF or XLSX (``reviewer plan report PLAN --audits …``).
- Calibration: the agreement (``reviewer agreement A B``) as text or JSON.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from reviewer.ops import disclose
from ui.app.session import Session
from ui.dialogs.export_actions import ask_path, export_job, run_export

PDF = {"PDF (*.pdf)": ".pdf"}
XLSX = {"Excel workbook (*.xlsx)": ".xlsx"}
PNG = {"PNG image (*.png)": ".png"}
PLAN = {"PDF (*.pdf)": ".pdf", "Excel workbook (*.xlsx)": ".xlsx"}
AGREEMENT = {"Text (*.txt)": ".txt", "JSON (*.json)": ".json"}


def _tell(parent: QWidget, text: str) -> None:
    QMessageBox.information(parent, "Export", text)


def export_feedback(parent: QWidget, session: Session) -> str | None:
    audit = session.audit
    fields = session.ws.field_names(audit) if audit else []
    if not fields:
        _tell(parent, "The open audit's records have no fields to give feedback by.")
        return None
    field, ok = QInputDialog.getItem(parent, "Feedback workbook", "One sheet per value of the "
                                     "record &field:", fields, 0, False)
    if not ok:
        return None
    path = ask_path(parent, "results", "Export feedback workbook", XLSX,
                    f"{audit.name} feedback by {field}")
    if path is None:
        return None
    warnings: list[str] = []
    job = export_job(path, (".xlsx",), "the feedback workbook", lambda ws: disclose.write_feedback(
        ws, audit.id, field, path, warn=warnings.append))
    done = run_export(parent, session, "Writing the feedback workbook…", job, path)
    if done and warnings:
        _tell(parent, "\n".join(warnings))
    return done


def export_results_chart(parent: QWidget, session: Session) -> str | None:
    audit = session.audit
    path = ask_path(parent, "reports", "Export the Y-rate chart", PNG, f"{audit.name} chart")
    if path is None:
        return None
    job = export_job(path, (".png",), "the chart",
                     lambda ws: disclose.write_results_chart(ws, audit.id, path))
    return run_export(parent, session, "Drawing the chart…", job, path)


def _two_or_more(parent: QWidget, chosen: list, what: str) -> bool:
    if len(chosen) < 2:
        _tell(parent, f"Tick at least two audits on the {what} screen first: the earliest is "
                      "the baseline.")
        return False
    return True


def export_comparison_report(parent: QWidget, session: Session, chosen: list) -> str | None:
    """The report of the last ticked audit with a column comparing it with the first."""
    if not _two_or_more(parent, chosen, "Compare"):
        return None
    base, later = chosen[0], chosen[-1]
    path = ask_path(parent, "reports", "Export comparison report", PDF,
                    f"{later.name} compared with {base.name}")
    if path is None:
        return None
    job = export_job(path, (".pdf",), "the report",
                     lambda ws: disclose.write_report(ws, later.id, path, base.id))
    return run_export(parent, session, "Building the comparison report…", job, path)


def export_trend_chart(parent: QWidget, session: Session, chosen: list) -> str | None:
    if not _two_or_more(parent, chosen, "Compare"):
        return None
    path = ask_path(parent, "reports", "Export trend chart", PNG,
                    f"{chosen[0].name} to {chosen[-1].name} trend")
    if path is None:
        return None
    job = export_job(path, (".png",), "the chart",
                     lambda ws: disclose.write_comparison_chart(ws, ws.compare(chosen), path))
    return run_export(parent, session, "Drawing the trend chart…", job, path)


def export_plan_report(parent: QWidget, session: Session, plan_name: str,
                       chosen: list) -> str | None:
    if not plan_name:
        _tell(parent, "No improvement plan yet: Import plan… on the Plan screen reads one.")
        return None
    if not _two_or_more(parent, chosen, "Plan"):
        return None
    path = ask_path(parent, "reports", "Export plan report", PLAN, f"{plan_name} status")
    if path is None:
        return None

    job = export_job(path, tuple(PLAN.values()), "the plan report",
                     lambda ws: disclose.write_plan_report(
                         ws, ws.plan_status(ws.plan(plan_name), chosen), path,
                         path[path.rfind("."):].lower()))
    return run_export(parent, session, "Building the plan report…", job, path)


def export_agreement(parent: QWidget, session: Session, other) -> str | None:
    main = session.audit
    if main is None or other is None:
        _tell(parent, "Choose the audit to compare with on the Calibration screen first.")
        return None
    path = ask_path(parent, "reports", "Export agreement", AGREEMENT,
                    f"{main.name} agreement with {other.name}")
    if path is None:
        return None
    job = export_job(path, tuple(AGREEMENT.values()), "the agreement",
                     lambda ws: disclose.write_agreement(ws, main.id, other.id, path))
    return run_export(parent, session, "Writing the agreement…", job, path)
