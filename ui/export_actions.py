"""Export the open audit's report (PDF) and results (XLSX/CSV) from the app, in a worker
thread behind a progress dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from reviewer.errors import ReviewerError

from .session import Session
from .worker import run_with_progress


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_ " else "_" for c in name).strip() or "audit"


def export_report(parent: QWidget, session: Session) -> str | None:
    audit = session.audit
    if audit is None:
        return None
    path, _ = QFileDialog.getSaveFileName(parent, "Export report", f"{_safe_name(audit.name)}.pdf",
                                          "PDF (*.pdf)")
    if not path:
        return None

    def job(db, progress):
        from reviewer.outputs.report_pdf import build_report


        return build_report(db, audit, path)

    return _run(parent, session, "Building the report…", job, path)


def export_results(parent: QWidget, session: Session) -> str | None:
    audit = session.audit
    if audit is None:
        return None
    path, _ = QFileDialog.getSaveFileName(parent, "Export results",
                                          f"{_safe_name(audit.name)}.xlsx",
                                          "Excel workbook (*.xlsx);;CSV (*.csv)")
    if not path:
        return None

    def job(db, progress):
        from reviewer.outputs.results_xlsx import results_csv, results_xlsx


        return (results_csv if path.lower().endswith(".csv") else results_xlsx)(db, audit, path)

    return _run(parent, session, "Writing the results…", job, path)


def _run(parent: QWidget, session: Session, title: str, job, path: str) -> str | None:
    try:
        run_with_progress(parent, title, session.target, job)
    except ReviewerError as exc:
        QMessageBox.warning(parent, "Export", str(exc))
        return None
    except OSError as exc:
        QMessageBox.warning(parent, "Export", f"Could not write {path}: {exc}")
        return None
    return path
