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


def safe_name(name: str) -> str:
    """``name`` as a file name that reads as the audit's name: only the characters no file
    system takes (``<>:"/\\|?*`` and control characters) become "-" ("BTP ASB 2012 (demo)" is
    kept as it is)."""
    kept = "".join("-" if c in '<>:"/\\|?*' or ord(c) < 32 else c for c in name)
    return " ".join(kept.split()).strip(" .") or "audit"


def _chosen(path: str, selected: str, filters: dict[str, str]) -> str:
    """The path the user chose, with the selected filter's extension when it has none (some
    file dialogs do not add it)."""
    if path and not Path(path).suffix:
        return path + filters.get(selected, next(iter(filters.values())))
    return path


def ask_path(parent: QWidget, kind: str, title: str, filters: dict[str, str],
             name: str) -> str | None:
    """The file the user picks (suggested: ``name`` made safe, with the first filter's
    extension), or None."""
    default = f"{safe_name(name)}{next(iter(filters.values()))}"
    path, selected = file_dialogs.save_file(parent, kind, title, default, ";;".join(filters))
    return _chosen(path, selected, filters) or None


def _ask_path(parent: QWidget, session: Session, kind: str, title: str,
              filters: dict[str, str]) -> str | None:
    """The file the user picks for the open audit's export (named after it), or None."""
    if session.audit is None:
        return None
    return ask_path(parent, kind, title, filters, session.audit.name)


def export_job(path: str, allowed: tuple[str, ...], what: str, write):
    """A worker-thread job: check the extension (a located usage error), then ``write(ws)``."""
    def job(ws, _progress):
        check_extension(path, allowed, what)
        return write(ws)

    return job


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
    job = export_job(path, tuple(REPORT_FILTERS.values()), "the report",
                     lambda ws: write_report(ws, audit_id, path, disclosure=disclosure))
    return run_export(parent, session, "Building the report…", job, path)


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

    done = run_export(parent, session, "Writing the results…", job, path)
    if done and warnings:
        QMessageBox.information(parent, "Export", "\n".join(warnings))
    return done


def run_export(parent: QWidget, session: Session, title: str, job, path: str) -> str | None:
    """The path written, or None when the export failed (shown by ``Session.run``)."""
    return path if session.run(job, parent, title, background=True) is not None else None
