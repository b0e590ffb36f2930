"""F1: every shortcut from the one table, grouped by where it works."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QScrollArea,
    QStyle,
    QVBoxLayout,
)

from ui.app.shortcuts import SHORTCUTS
from ui.app.window_geometry import fit_to_screen
from ui.widgets.a11y import named
from ui.widgets.focus import untrap


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
        self.label.setWordWrap(True)      # only where the screen is too narrow for a line
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
        untrap(self)
        # wide enough for the longest line (it grows with the font), as high as the screen lets
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        margins = layout.contentsMargins()
        doc = QTextDocument()
        doc.setDefaultFont(self.label.font())
        doc.setHtml(shortcuts_html())
        self.natural_width = int(doc.idealWidth()) + 2 * self.label.margin() + 4
        slack = 16                        # the layout's spacing, rounding
        fit_to_screen(self, QSize(self.natural_width + bar + margins.left() + margins.right()
                                  + slack + 2 * self.scroll.frameWidth(),
                                  int(doc.size().height()) + buttons.sizeHint().height() + 60))
