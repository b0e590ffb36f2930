"""F1: every shortcut from the one table, grouped by where it works."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QScrollArea,
    QStyle,
    QVBoxLayout,
)

from .a11y import named
from .shortcuts import SHORTCUTS
from .window_geometry import fit_to_screen


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
        self.label = QLabel(shortcuts_html())
        self.label.setObjectName("shortcutsLabel")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                           | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.label)
        named(self.scroll, "Keyboard shortcuts", "Every key of the app, grouped by where it "
              "works; the arrow keys scroll")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll)
        layout.addWidget(buttons)
        # wide enough for the longest line (it grows with the font), as high as the screen lets
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        margins = layout.contentsMargins()
        hint = self.label.sizeHint()
        fit_to_screen(self, QSize(hint.width() + bar + margins.left() + margins.right() + 8
                                  + 2 * self.scroll.frameWidth(),
                                  hint.height() + buttons.sizeHint().height() + 40))
