"""Export the open audit's report (PDF) and results (XLSX/CSV) from the app, in a worker
thread behind a progress dialog, through the same core functions as the command line (SPEC §5:
the extension picks the format, files are the owner's only, cells never act as formulas)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from reviewer.errors import ReviewerError, describe_error
from reviewer.files.private import check_extension
from reviewer.ops.disclose import write_report, write_results

from . import file_dialogs
from .session import Session

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


def _disclosure(parent: QWidget, session: Session, what: str):
    from .disclosure_dialog import ask_disclosure

    audit = session.audit
    return ask_disclosure(parent, what, session.ws.policy(audit.id).require_purpose)


def export_report(parent: QWidget, session: Session) -> str | None:
    audit = session.audit
    if audit is None:
        return None
    disclosure = _disclosure(parent, session, "report")
    if disclosure is None:
        return None
    path, selected = file_dialogs.save_file(parent, "reports", "Export report",
                                            f"{_safe_name(audit.name)}.pdf",
                                            ";;".join(REPORT_FILTERS))
    path = _chosen(path, selected, REPORT_FILTERS)
    if not path:
        return None

    def job(ws, _progress):
        check_extension(path, tuple(REPORT_FILTERS.values()), "the report")
        return write_report(ws, audit.id, path, disclosure=disclosure)

    return _run(parent, session, "Building the report…", job, path)


def export_results(parent: QWidget, session: Session) -> str | None:
    audit = session.audit
    if audit is None:
        return None
    disclosure = _disclosure(parent, session, "results file")
    if disclosure is None:
        return None
    path, selected = file_dialogs.save_file(parent, "results", "Export results",
                                            f"{_safe_name(audit.name)}.xlsx",
                                            ";;".join(RESULTS_FILTERS))
    path = _chosen(path, selected, RESULTS_FILTERS)
    if not path:
        return None
    warnings: list[str] = []

    def job(ws, _progress):
        return write_results(ws, audit.id, path, warn=warnings.append, disclosure=disclosure)

    done = _run(parent, session, "Writing the results…", job, path)
    if done and warnings:
        QMessageBox.information(parent, "Export", "\n".join(warnings))
    return done


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
