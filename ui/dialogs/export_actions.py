"""Export the open audit's report (PDF) and results (XLSX/CSV) from the app, in a worker thread
behind a progress dialog, through the same core functions as the command line (docs/contracts.md §5:
the extension picks the format, files are the owner's only, cells never act as formulas)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from reviewer.ops.disclose import write_report, write_results
from reviewer.private import check_extension
from ui.app.session import Session
from ui.dialogs import file_dialogs

REPORT_FILTERS = {"PDF (*.pdf)": ".pdf"}
RESULTS_FILTERS = {"Excel workbook (*.xlsx)": ".xlsx", "CSV (*.csv)": ".csv"}


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_ " else "_" for c in name).strip() or "audit"


def _chosen(path: str, selected: str, filters: dict[str, str]) -> str:
    """The path the user chose, with the selected filter's extension when it has none (some
    file dialogs do not add it)."""
    if path and not Path(path).suffix:
        return path + filters.get(selected, next(iter(filters.values())))
    return path


def _ask_path(parent: QWidget, session: Session, kind: str, title: str,
              filters: dict[str, str]) -> str | None:
    """The file the user picks for the open audit's export (named after it), or None."""
    audit = session.audit
    if audit is None:
        return None
    default = f"{_safe_name(audit.name)}{next(iter(filters.values()))}"
    path, selected = file_dialogs.save_file(parent, kind, title, default, ";;".join(filters))
    return _chosen(path, selected, filters) or None


def _disclosure(parent: QWidget, session: Session, what: str):
    """The purpose and recipient (docs/contracts.md §11), or None when the person cancelled."""
    from ui.dialogs.disclosure import ask_disclosure

    audit = session.audit
    if audit is None:
        return None
    return ask_disclosure(parent, what, session.ws.policy(audit.id).require_purpose)


def export_report(parent: QWidget, session: Session) -> str | None:
    disclosure = _disclosure(parent, session, "report")
    if disclosure is None:
        return None
    path = _ask_path(parent, session, "reports", "Export report", REPORT_FILTERS)
    if path is None:
        return None
    audit_id = session.audit.id

    def job(ws, _progress):
        check_extension(path, tuple(REPORT_FILTERS.values()), "the report")
        return write_report(ws, audit_id, path, disclosure=disclosure)

    return _run(parent, session, "Building the report…", job, path)


def export_results(parent: QWidget, session: Session) -> str | None:
    disclosure = _disclosure(parent, session, "results file")
    if disclosure is None:
        return None
    path = _ask_path(parent, session, "results", "Export results", RESULTS_FILTERS)
    if path is None:
        return None
    audit_id = session.audit.id
    warnings: list[str] = []

    def job(ws, _progress):
        return write_results(ws, audit_id, path, warn=warnings.append, disclosure=disclosure)

    done = _run(parent, session, "Writing the results…", job, path)
    if done and warnings:
        QMessageBox.information(parent, "Export", "\n".join(warnings))
    return done


def _run(parent: QWidget, session: Session, title: str, job, path: str) -> str | None:
    """The path written, or None when the export failed (shown by ``Session.run``)."""
    return path if session.run(job, parent, title, background=True) is not None else None
