"""At twice the system font size (a 13.5 pt font, or 200% text), nothing is cut off: question
text wraps and its rows grow (no "…"), the results and compare tables wrap too, and every dialog
fits a 1280×720 screen at its minimum size and opens at least that big."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QStyle

from tests.ui.surfaces import app_dialogs
from tests.ui.test_compare_view import later_audit
from ui.app.main_window import COMPARE, RESULTS
from ui.models.questions import COL_TEXT
from ui.models.results import COL_QUESTION

SMALL_SCREEN = (1280, 720)


@pytest.fixture()
def doubled(qapp):
    font = qapp.font()
    big = type(font)(font)
    big.setPointSizeF(font.pointSizeF() * 2)
    qapp.setFont(big)
    yield big
    qapp.setFont(font)


def text_height(text: str, font, width: float) -> float:
    """The height of ``text`` wrapped at word boundaries to ``width``, laid out as Qt's item
    views lay out cell text (QTextLayout, one line after another)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    height = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        height += line.height()
    layout.endLayout()
    return height


def cut_off(view, col: int) -> list[str]:
    """Cells of column ``col`` whose wrapped text is taller than their row (elided, "…")."""
    model, out = view.model(), []
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    for row in range(model.rowCount()):
        text = str(model.data(model.index(row, col)) or "")
        rect = view.visualRect(model.index(row, col))
        need = text_height(text, view.font(), rect.width() - 2 * margin)
        if text and need > rect.height():
            out.append(f"row {row}: needs {need:.0f} px, has {rect.height()}: {text[:40]}")
    return out


def test_questions_wrap_in_full_at_twice_the_font(doubled, qtbot, make_window):
    window = make_window()
    window.resize(1280, 720)
    qtbot.wait(50)
    view = window.scoring.questions_view
    assert view.font().pointSizeF() == doubled.pointSizeF()
    longest = max((window.scoring.questions_model.data(
        window.scoring.questions_model.index(r, COL_TEXT)) for r in range(
        window.scoring.questions_model.rowCount())), key=len)
    assert QFontMetrics(view.font()).horizontalAdvance(longest) > view.columnWidth(COL_TEXT)
    assert cut_off(view, COL_TEXT) == []


def test_the_window_fits_a_small_screen_at_twice_the_font(doubled, qtbot, make_window):
    window = make_window()
    least = window.minimumSizeHint()
    assert least.width() <= SMALL_SCREEN[0] and least.height() <= SMALL_SCREEN[1], least


def test_audit_names_wrap_in_full(doubled, qtbot, make_window):
    window = make_window()
    window.resize(1213, 643)
    window.show_tab(0)
    qtbot.wait(50)
    assert window.audits.model.rowCount() >= 3
    assert cut_off(window.audits.table, 0) == []


def test_results_and_compare_wrap_in_full_at_twice_the_font(doubled, qtbot, make_window,
                                                             tmp_path):
    window = make_window()
    window.resize(1280, 720)
    window.show_tab(RESULTS)
    qtbot.wait(50)
    assert cut_off(window.results.table, COL_QUESTION) == []
    window.results.group_by("area")
    qtbot.wait(50)
    assert cut_off(window.results.grouped_view.frozen, 0) == []
    later_audit(window, tmp_path)
    window.show_tab(COMPARE)
    for row in range(window.compare.audits_model.rowCount()):
        window.compare.audits_model.setData(window.compare.audits_model.index(row, 0),
                                            Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    qtbot.wait(50)
    assert cut_off(window.compare.table, 0) == []


def test_dialogs_fit_a_small_screen_at_twice_the_font(doubled, qtbot, make_window):
    window = make_window()
    sizes = {}
    for what, make in app_dialogs(window).items():
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        least, size = dialog.minimumSizeHint(), dialog.size()
        sizes[what] = (least.width(), least.height(), size.width(), size.height())
        assert least.width() <= SMALL_SCREEN[0] and least.height() <= SMALL_SCREEN[1], \
            (what, sizes[what])
        assert size.width() >= least.width() and size.height() >= least.height(), \
            (what, sizes[what])
        dialog.close()


def clipped_labels(window) -> list[str]:
    """Visible labels given less room than their text needs (wrapped: height for their width;
    not wrapped: width)."""
    out = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.text() or label.width() <= 0:
            continue
        if label.wordWrap():
            need = label.heightForWidth(label.width())
            if need > label.height() + 1:
                out.append(f"{label.text()[:40]!r}: {label.height()} of {need} px high")
        elif label.pixmap().isNull() and label.minimumSizeHint().width() > label.width() + 1:
            out.append(f"{label.text()[:40]!r}: {label.width()} of "
                       f"{label.minimumSizeHint().width()} px wide")
    return out


def test_no_label_is_clipped_on_a_laptop_at_twice_the_font(doubled, qtbot, make_window):
    window = make_window(demo=True)
    window.resize(1213, 643)                 # what a 1366×768 screen opens (ui.app.window_geometry)
    found = {}
    for tab in range(window.tabs.count()):
        window.show_tab(tab)
        qtbot.wait(50)
        found[window.tabs.tabText(tab)] = clipped_labels(window)
    assert found == {tab: [] for tab in found}
    window.show_tab(1)
    view = window.scoring.questions_view
    assert view.viewport().height() >= 3 * view.rowHeight(0)     # questions stay in sight
