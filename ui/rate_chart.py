"""The Results view's chart: horizontal bars of Y rates with their 95% whiskers, painted with
Qt in the palette's colours and the widget's font, so it follows dark and high-contrast themes
and the system font size, and costs no matplotlib import (the first Results view stays fast).

Its text alternative is the table beside it: the chart says so in its accessible description,
and takes keyboard focus after the table so a screen-reader user meets both."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from reviewer.analysis.stats import Rate

from .a11y import named
from .colours import mix, status

TICKS = (0, 25, 50, 75, 100)


class RateChart(QWidget):
    def __init__(self, table_name: str = "the results table", parent=None):
        super().__init__(parent)
        self.setObjectName("rateChart")
        self.title = ""
        self.bars: list[tuple[str, Rate]] = []
        self.message = ""
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        named(self, "Y-rate chart", f"A bar chart of the Y rates with their 95% intervals. "
              f"Every figure in it is also in {table_name}, beside it (Shift+Tab goes there).")

    # -- content ------------------------------------------------------------------------------
    def set_bars(self, title: str, bars: Sequence[tuple[str, Rate]]) -> None:
        self.title, self.bars, self.message = title, list(bars), ""
        self.setToolTip("\n".join(f"{label}: {_percent(r)}" for label, r in self.bars))
        self._changed()

    def show_message(self, text: str) -> None:
        self.title, self.bars, self.message = "", [], text
        self.setToolTip("")
        self._changed()

    def _changed(self) -> None:
        self.setMinimumHeight(self._height())
        self.updateGeometry()
        self.update()

    # -- geometry -----------------------------------------------------------------------------
    def _row(self) -> int:
        return int(self.fontMetrics().height() * 1.7)

    def _height(self) -> int:
        line = self.fontMetrics().height()
        if not self.bars:
            return line * 3
        return int(line * 2.2) + self._row() * len(self.bars) + line * 2

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self.fontMetrics().horizontalAdvance("x") * 40, self._height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self.fontMetrics().horizontalAdvance("x") * 20, self._height())

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
        p.fillRect(self.rect(), base)
        fm = self.fontMetrics()
        line = fm.height()
        pad = line // 2
        if self.hasFocus():
            p.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 2))
            p.drawRect(self.rect().adjusted(1, 1, -2, -2))
        p.setPen(text)
        if not self.bars:
            p.drawText(self.rect().adjusted(pad, pad, -pad, -pad),
                       Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft, self.message)
            return
        bold = QFont(self.font())
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QRectF(pad, pad, self.width() - 2 * pad, line * 1.5),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   fm.elidedText(self.title, Qt.TextElideMode.ElideRight, self.width() - 2 * pad))
        p.setFont(self.font())
        top = line * 2.2
        row = self._row()
        value_w = fm.horizontalAdvance("100%") + pad
        label_w = min(int(self.width() * 0.42),
                      max(fm.horizontalAdvance(label) for label, _ in self.bars) + pad)
        x0, x1 = pad + label_w, self.width() - pad - value_w
        if x1 - x0 < line * 3:
            return
        bottom = top + row * len(self.bars)
        grid = mix(text, base, 0.75)
        for tick in TICKS:
            x = x0 + (x1 - x0) * tick / 100
            p.setPen(QPen(grid, 1))
            p.drawLine(QPointF(x, top), QPointF(x, bottom))
            p.setPen(text)
            p.drawText(QRectF(x - line * 2, bottom + 2, line * 4, line * 1.4),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, f"{tick}%")
        bar_colour = pal.color(QPalette.ColorRole.Highlight)
        for i, (label, r) in enumerate(self.bars):
            y = top + row * i
            p.setPen(text)
            p.drawText(QRectF(pad, y, label_w - pad, row),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(label, Qt.TextElideMode.ElideRight, label_w - pad))
            if r.rate is None:
                p.setPen(status("muted"))
                p.drawText(QRectF(x0 + pad, y, x1 - x0, row), Qt.AlignmentFlag.AlignVCenter,
                           "no Y/N answers")
                continue
            mid = y + row / 2
            height = row * 0.55
            p.fillRect(QRectF(x0, mid - height / 2, (x1 - x0) * r.rate, height), bar_colour)
            if r.low is not None and r.high is not None:
                lo, hi = x0 + (x1 - x0) * r.low, x0 + (x1 - x0) * r.high
                p.setPen(QPen(text, 1.5))
                p.drawLine(QPointF(lo, mid), QPointF(hi, mid))
                for x in (lo, hi):
                    p.drawLine(QPointF(x, mid - height / 3), QPointF(x, mid + height / 3))
            p.setPen(text)
            p.drawText(QRectF(x1 + pad / 2, y, value_w, row),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       f"{100 * r.rate:.0f}%")


def _percent(r: Rate) -> str:
    if r.rate is None:
        return "no Y/N answers"
    return f"{100 * r.rate:.0f}% (95% CI {100 * r.low:.0f}–{100 * r.high:.0f}%, n={r.total})"
