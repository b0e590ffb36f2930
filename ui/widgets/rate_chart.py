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
from ui.app.colours import mix, status
from ui.widgets.a11y import named

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
        self.setMinimumHeight(self._height(max(self.width(), 1)))
        self.updateGeometry()
        self.update()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        height = self._height(self.width())
        if height != self.minimumHeight():      # the title wraps, labels move above bars
            self.setMinimumHeight(height)

    # -- geometry -----------------------------------------------------------------------------
    def _layout(self, width: int) -> dict:
        """Where things go at ``width``: the title's height, whether labels sit beside the bars
        (room for 24 characters) or above them, the label column's width, a row's height."""
        fm = self.fontMetrics()
        line, pad = fm.height(), fm.height() // 2
        inner = max(width - 2 * pad, line)
        title = fm.boundingRect(0, 0, inner, 100000, int(Qt.TextFlag.TextWordWrap),
                                self.title).height() if self.title else 0
        widest = max((fm.horizontalAdvance(label) for label, _ in self.bars), default=0)
        label_w = min(int(width * 0.42), widest + pad)
        beside = label_w >= min(widest + pad, fm.horizontalAdvance("x") * 24)
        row = int(line * 1.7) if beside else int(line * 2.9)
        return {"line": line, "pad": pad, "title": title, "beside": beside, "row": row,
                "label_w": label_w if beside else 0, "value_w": fm.horizontalAdvance("100%")
                + pad}

    def _height(self, width: int) -> int:
        lay = self._layout(width)
        if not self.bars:
            return lay["line"] * 3
        return lay["title"] + lay["pad"] * 3 + lay["row"] * len(self.bars) + lay["line"] * 2

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        width = self.fontMetrics().horizontalAdvance("x") * 40
        return QSize(width, self._height(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        width = self.fontMetrics().horizontalAdvance("x") * 20
        return QSize(width, self._height(max(self.width(), width)))

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
        p.fillRect(self.rect(), base)
        fm = self.fontMetrics()
        lay = self._layout(self.width())
        line, pad, row = lay["line"], lay["pad"], lay["row"]
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
        p.drawText(QRectF(pad, pad, self.width() - 2 * pad, lay["title"] + 2),
                   Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft, self.title)
        p.setFont(self.font())
        top = lay["title"] + pad * 2
        x0 = pad + lay["label_w"]
        x1 = self.width() - pad - lay["value_w"]
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
            if lay["beside"]:
                label_rect, bar_top, bar_h = QRectF(pad, y, lay["label_w"] - pad, row), y, row
            else:           # narrow: the label on a line of its own above its bar
                label_rect = QRectF(pad, y, self.width() - 2 * pad, line * 1.3)
                bar_top, bar_h = y + line * 1.2, row - line * 1.2
            p.drawText(label_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(label, Qt.TextElideMode.ElideRight,
                                     int(label_rect.width())))
            if r.rate is None:
                p.setPen(status("muted"))
                p.drawText(QRectF(x0 + pad, bar_top, x1 - x0, bar_h),
                           Qt.AlignmentFlag.AlignVCenter, "no Y/N answers")
                continue
            mid = bar_top + bar_h / 2
            height = min(bar_h, row) * 0.55
            p.fillRect(QRectF(x0, mid - height / 2, (x1 - x0) * r.rate, height), bar_colour)
            if r.low is not None and r.high is not None:
                lo, hi = x0 + (x1 - x0) * r.low, x0 + (x1 - x0) * r.high
                p.setPen(QPen(text, 1.5))
                p.drawLine(QPointF(lo, mid), QPointF(hi, mid))
                for x in (lo, hi):
                    p.drawLine(QPointF(x, mid - height / 3), QPointF(x, mid + height / 3))
            p.setPen(text)
            p.drawText(QRectF(x1 + pad / 2, bar_top, lay["value_w"], bar_h),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       f"{100 * r.rate:.0f}%")


def _percent(r: Rate) -> str:
    if r.rate is None:
        return "no Y/N answers"
    return f"{100 * r.rate:.0f}% (95% CI {100 * r.low:.0f}–{100 * r.high:.0f}%, n={r.total})"
