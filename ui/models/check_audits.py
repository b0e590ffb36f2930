"""The audits to compare, or to take a plan's evidence from: one tick box each (Space toggles),
in creation order (the Compare and Plan views)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from reviewer.store.audits import AuditInfo

Index = QModelIndex | QPersistentModelIndex


class CheckAuditsModel(QAbstractListModel):
    """Audits with a tick box each (Space toggles), in creation order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.audits: list[AuditInfo] = []
        self.checked: set[int] = set()

    def set_audits(self, audits: list[AuditInfo]) -> None:
        self.beginResetModel()
        self.audits = audits
        self.checked &= {a.id for a in audits}
        self.endResetModel()

    def chosen(self) -> list[AuditInfo]:
        return [a for a in self.audits if a.id in self.checked]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.audits)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsUserCheckable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        a = self.audits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{a.name}  ({a.set_key} v{a.set_version}, {a.records} records)"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if a.id in self.checked else Qt.CheckState.Unchecked
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        a = self.audits[index.row()]
        on = Qt.CheckState(value) == Qt.CheckState.Checked
        (self.checked.add if on else self.checked.discard)(a.id)
        self.dataChanged.emit(index, index, [role])
        return True
