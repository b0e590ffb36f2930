"""The audits list: name, question set, version, sample, progress."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reviewer.outputs import sample_text
from reviewer.store.audits import AuditInfo
from reviewer.workspace import Workspace
from ui.models.table import Index, TableModel

COL_NAME, COL_SET, COL_VERSION, COL_SAMPLE, COL_PROGRESS, COL_REVIEWERS, COL_STATUS, \
    COL_CREATED = range(8)
HEADERS = ("Audit", "Question set", "Version", "Sample", "Progress", "Reviewers", "Status",
           "Created")


def status(audit: AuditInfo, names: dict[int, str]) -> str:
    """Draft or signed off, and what a calibration audit double-scores."""
    text = audit.signed_off_text or "draft"
    if audit.calibrates is not None:
        text += f"; calibration of {names.get(audit.calibrates, 'another audit')}"
    return text


class AuditsModel(TableModel):
    HEADERS = HEADERS

    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.show_archived = False
        self.audits: list[AuditInfo] = []
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.audits = self.ws.audits(include_archived=self.show_archived)
        self.people = {a.id: self.ws.progress_by_reviewer(a.id) for a in self.audits}
        self.names = {a.id: a.name for a in self.audits}
        self.endResetModel()

    def audit(self, row: int) -> AuditInfo | None:
        return self.audits[row] if 0 <= row < len(self.audits) else None

    def row_of(self, audit_id: int) -> int | None:
        return next((i for i, a in enumerate(self.audits) if a.id == audit_id), None)

    def row_count(self) -> int:
        return len(self.audits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        a = self.audit(index.row()) if index.isValid() else None
        if a is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        col = index.column()
        if col == COL_NAME:
            return a.name + (" (archived)" if a.archived else "")
        if col == COL_SET:
            return f"{a.set_title} [{a.set_key}]"
        if col == COL_VERSION:
            return a.set_version
        if col == COL_SAMPLE:
            return sample_text.summary(a.sample, a.records)
        if col == COL_REVIEWERS:
            return "; ".join(f"{who} {done}/{n}" for who, n, done in self.people.get(a.id, []))
        if col == COL_STATUS:
            return status(a, self.names)
        if col == COL_PROGRESS:
            pct = f" ({100 * a.complete // a.records}%)" if a.records else ""
            return f"{a.complete} of {a.records} complete{pct}"
        return a.created_at[:10]
