"""Export the open audit's report (PDF) and results (XLSX/CSV) from the app, in a worker
thread behind a progress dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from reviewer.errors import ReviewerError, describe_error
from reviewer.ops.disclose import write_report, write_results

from .session import Session


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

    def job(ws, _progress):
        return write_report(ws, audit.id, path)

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

    def job(ws, _progress):
        return write_results(ws, audit.id, path)

    return _run(parent, session, "Writing the results…", job, path)


def _run(parent: QWidget, session: Session, title: str, job, path: str) -> str | None:
    try:
        session.run(job, parent, title, background=True)
    except ReviewerError as exc:
        QMessageBox.warning(parent, "Export", str(exc))
        return None
    except Exception as exc:  # noqa: BLE001 - a failed export is shown, never silent
        QMessageBox.warning(parent, "Export", f"Nothing was written to {path}: "
                                              f"{describe_error(exc)}")
        return None
    return path
