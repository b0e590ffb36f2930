"""The audit's records as a table that fetches only the pages on screen (fast at 100,000)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reviewer.store.records import RecordRow
from reviewer.workspace import Workspace
from ui.app.colours import status
from ui.models.table import Index, TableModel

COL_SEQ, COL_REF, COL_STATUS = range(3)
HEADERS = ("#", "Ref", "Status")
PAGE = 200


class RecordsModel(TableModel):
    HEADERS = HEADERS

    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.audit_id: int | None = None
        self.incomplete_only = False
        self.search = ""
        self.assigned_to: str | None = None
        self._count = 0
        self._pages: dict[int, list[RecordRow]] = {}

    def set_audit(self, audit_id: int | None) -> None:
        self.audit_id = audit_id
        self.reload()

    def set_filter(self, incomplete_only: bool | None = None, search: str | None = None,
                   assigned_to: str | None | bool = False) -> None:
        """Change the filters given (``assigned_to``: a reviewer's queue, None for everyone,
        False to leave it as it is)."""
        if assigned_to is not False:
            self.assigned_to = assigned_to
        if incomplete_only is not None:
            self.incomplete_only = incomplete_only
        if search is not None:
            self.search = search
        self.reload()

    def filters(self) -> dict:
        return {"incomplete_only": self.incomplete_only, "search": self.search,
                "assigned_to": self.assigned_to}

    def reload(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._count = 0 if self.audit_id is None else self.ws.count_records(
            self.audit_id, **self.filters())
        self.endResetModel()

    def refresh_rows(self) -> None:
        """Re-read the cached pages (e.g. a record became complete) without a reset."""
        self._pages.clear()
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, COL_STATUS))

    def row(self, n: int) -> RecordRow | None:
        if self.audit_id is None or not 0 <= n < self._count:
            return None
        page_no = n // PAGE
        page = self._pages.get(page_no)
        if page is None:
            if len(self._pages) > 50:
                self._pages.clear()
            page = self.ws.records_page(self.audit_id, page_no * PAGE, PAGE, **self.filters())
            self._pages[page_no] = page
        i = n - page_no * PAGE
        return page[i] if i < len(page) else None

    def row_of(self, record_id: int) -> int | None:
        if self.audit_id is None:
            return None
        return self.ws.record_position(self.audit_id, record_id, **self.filters())

    # -- Qt model API -------------------------------------------------------------------------
    def row_count(self) -> int:
        return self._count

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        rec = self.row(index.row()) if index.isValid() else None
        if rec is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_SEQ:
                return rec.seq
            if col == COL_REF:
                return rec.ref
            return "complete" if rec.complete else "to do"
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATUS:
            return status("good" if rec.complete else "warn")
        if role == Qt.ItemDataRole.UserRole:
            return rec.id
        return None
