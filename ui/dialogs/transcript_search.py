"""Ctrl+F: search the open audit's transcripts (docs/listening.md, contracts §12). Type a phrase and
press Enter; the hits list ref, time and line; Enter (or a double click) on a hit opens that
record at that second, playing. Whole words, any case, any accents; "Near" allows small
spelling differences."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from reviewer.ops.listening import search_audit
from ui.models.search_hits import COL_TEXT, HitsModel
from ui.widgets.a11y import buddy, named
from ui.widgets.layout import row_table


class TranscriptSearch(QDialog):
    open_hit = Signal(str, int)        # ref, ms

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Search the transcripts")
        self.phrase = QLineEdit()
        self.phrase.setPlaceholderText("A word or phrase, then Enter")
        named(self.phrase, "Phrase", "Whole words, any case and accents; Enter searches")
        self.near = QCheckBox("&Near: allow small spelling differences")
        self.near.toggled.connect(lambda _on: self.search())
        self.model = HitsModel(self)
        self.view = row_table(self.model, "searchHits", "Hits")
        self.view.setAccessibleDescription("Enter opens the record at that time, playing")
        self.view.setTabKeyNavigation(False)
        self.view.horizontalHeader().setSectionResizeMode(COL_TEXT,
                                                          QHeaderView.ResizeMode.Stretch)
        self.view.activated.connect(lambda i: self._open(i.row()))
        self.status = QLabel("")
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)
        self.phrase.returnPressed.connect(self.search)
        top = QHBoxLayout()
        top.addWidget(buddy("&Find:", self.phrase))
        top.addWidget(self.phrase, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.near)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        self.resize(self.fontMetrics().averageCharWidth() * 90,
                    self.fontMetrics().height() * 24)

    def search(self) -> None:
        audit = self.session.audit
        text = self.phrase.text().strip()
        if audit is None or not text:
            return
        found = search_audit(self.session.ws, audit.id, text, near=self.near.isChecked())
        self.model.set_hits(found.hits)
        refs = len({h.ref for h in found.hits})
        lines = [f"{len(found.hits)} line(s) in {refs} record(s) say \"{text}\"."]
        if found.problems:
            lines.append(f"{len(found.problems)} transcript(s) could not be read: "
                         + "; ".join(found.problems[:3]))
        self.status.setText(" ".join(lines))
        if found.hits:
            self.view.setFocus()
            self.view.selectRow(0)

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.model.hits):
            hit = self.model.hits[row]
            self.open_hit.emit(hit.ref, int(hit.start * 1000))
            self.accept()
