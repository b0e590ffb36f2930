"""Ctrl+G on the scoring screen: a box that completes on any part of a record's ref or of its
fields (operator, area…), as typed: "0095" offers "BTP-2012-0095 · PC Smith · North". Enter (or
picking a completion) opens the record; Esc hands the keys back to the questions, so the next
Y answers rather than types (docs/keyboard.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import PurePath

from PySide6.QtCore import QEvent, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

SEP = " · "
LIMIT = 50_000          # records offered; a larger audit still jumps by an exact ref


def entry(row) -> str:
    """A completion: the ref, then the record's field values (``row``: a ``records_page``
    row, with ``ref`` and ``fields``)."""
    values = [PurePath(str(v)).name if k == "audio" else str(v)   # a recording: its name
              for k, v in row.fields.items() if str(v).strip()]
    return SEP.join([row.ref, *values])


def ref_of(text: str) -> str:
    """The ref in what the box holds (a picked completion, or a typed ref)."""
    return text.split(SEP, 1)[0].strip()


class JumpBox(QLineEdit):
    def __init__(self, on_escape: Callable[[], None], parent=None):
        super().__init__(parent)
        self._on_escape = on_escape
        self.entries = QStringListModel(self)
        self.completer_ = QCompleter(self.entries, self)
        self.completer_.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer_.setMaxVisibleItems(12)
        self.completer_.popup().setAccessibleName("Matching records")
        self.setCompleter(self.completer_)
        self.completer_.activated.connect(self._picked)

    def _picked(self, text: str) -> None:
        self.setText(text)
        self.returnPressed.emit()

    def set_records(self, rows: Sequence) -> None:
        self.entries.setStringList([entry(r) for r in rows])

    def ref(self) -> str:
        return ref_of(self.text())

    def event(self, e) -> bool:
        # Esc leaves the box (once its completion list is closed): the questions take the keys
        if e.type() == QEvent.Type.KeyPress and e.key() == Qt.Key.Key_Escape and \
                not self.completer_.popup().isVisible():
            self._on_escape()
            return True
        return super().event(e)
