"""F1: every shortcut from the one table, grouped by where it works."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout

from .shortcuts import SHORTCUTS


def shortcuts_html() -> str:
    parts = []
    for where in dict.fromkeys(s.where for s in SHORTCUTS):
        rows = "".join(
            f"<tr><td style='padding-right:18px'><b>{escape(' / '.join(s.keys))}</b></td>"
            f"<td>{escape(s.label)}</td></tr>" for s in SHORTCUTS if s.where == where)
        parts.append(f"<h3>{escape(where)}</h3><table>{rows}</table>")
    return "".join(parts)


class HelpOverlay(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        label = QLabel(shortcuts_html())
        label.setObjectName("shortcutsLabel")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self.resize(560, 640)
