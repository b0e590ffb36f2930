"""Layouts that use a laptop screen (issue #20), measured, not looked at: at 1280×720 and
1366×768 every view shows at least eight rows of its main table and its chart is at least
200 px high (Compare with three audits too); the History panel leaves the record list eight
rows; at Qt's 2× scaling the window fits the screen; showing the error banner or answering
(columns widening) never moves the scoring screen's questions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from tests.ui.test_window_fits import start_on_screen
from ui.app.main_window import AUDITS, CALIBRATION, COMPARE, PLAN, RESULTS, SCORING

SIZES = [(1280, 720), (1366, 768)]
FRAME = (16, 48)             # what a title bar and borders take from the screen
MIN_ROWS, MIN_CHART = 8, 200


def rows_in_sight(view: QTableView) -> int:
    """Whole rows the viewport shows (rows it could show, where the model has fewer)."""
    height = view.viewport().height()
    model = view.model()
    count = model.rowCount() if model is not None else 0
    shown, used = 0, 0
    for row in range(count):
        used += view.rowHeight(row)
        if used > height:
            return shown
        shown += 1
    return shown + (height - used) // max(view.verticalHeader().defaultSectionSize(), 1)


def tick_all(view) -> None:
    model = view.audits_model
    for row in range(model.rowCount()):
        model.setData(model.index(row, 0), Qt.CheckState.Checked.value,
                      Qt.ItemDataRole.CheckStateRole)


def at_size(qtbot, window, size) -> None:
    window.showNormal()
    window.resize(size[0] - FRAME[0], size[1] - FRAME[1])
    qtbot.wait(50)


def shown(qtbot, window, tab: int) -> None:
    window.show_tab(tab)
    qtbot.wait(150)


@pytest.mark.parametrize("size", SIZES)
def test_every_view_shows_eight_rows_and_a_tall_chart(qtbot, make_window, size):
    window = make_window()
    at_size(qtbot, window, size)
    found = {}
    shown(qtbot, window, AUDITS)
    found["audits"] = rows_in_sight(window.audits.table)
    shown(qtbot, window, SCORING)
    found["records"] = rows_in_sight(window.scoring.records_view)
    found["questions"] = rows_in_sight(window.scoring.questions_view)
    window.scoring.history.show()
    qtbot.wait(150)
    found["records beside the history"] = rows_in_sight(window.scoring.records_view)
    window.scoring.history.hide()
    shown(qtbot, window, RESULTS)
    found["results"] = rows_in_sight(window.results.table)
    chart = {"results chart": window.results.chart_scroll.height()}
    window.results.group_by("area")
    qtbot.wait(150)
    found["grouped results"] = rows_in_sight(window.results.grouped_view.groups)
    chart["grouped results chart"] = window.results.chart_scroll.height()
    shown(qtbot, window, COMPARE)
    tick_all(window.compare)
    qtbot.wait(150)
    assert len(window.compare.audits_model.chosen()) >= 3
    found["compare"] = rows_in_sight(window.compare.table)
    chart["trend chart"] = window.compare.chart_scroll.height()
    shown(qtbot, window, CALIBRATION)
    found["agreement"] = rows_in_sight(window.calibration.summary_view)
    found["disagreements"] = rows_in_sight(window.calibration.view)
    shown(qtbot, window, PLAN)
    found["plan items"] = rows_in_sight(window.plan.items_view)
    print(f"\n{size}: rows {found}, charts {chart}")
    assert {k: v for k, v in found.items() if v < MIN_ROWS} == {}
    assert {k: v for k, v in chart.items() if v < MIN_CHART} == {}


def test_the_grouped_results_fill_their_side(qtbot, make_window):
    window = make_window()
    at_size(qtbot, window, SIZES[0])
    shown(qtbot, window, RESULTS)
    window.results.group_by("area")
    qtbot.wait(150)
    view = window.results.grouped_view
    assert view.height() >= window.results.split.height() * 0.9 or \
        view.width() >= window.results.split.width() * 0.5


@pytest.mark.parametrize("size", SIZES)
def test_at_twice_the_scale_the_window_fits_the_screen(tmp_path, monkeypatch, size):
    monkeypatch.setenv("QT_SCALE_FACTOR", "2")
    frame, available = start_on_screen(tmp_path, *size)
    assert available.height() == size[1] // 2
    assert available.contains(frame), (frame, available)


def test_scoring_does_not_jump(qtbot, make_window):
    window = make_window(to_score=True)
    window.open_audit(window.session.ws.audit("ASB practice (demo, to score)").id)
    at_size(qtbot, window, SIZES[0])
    s = window.scoring
    qtbot.wait(150)
    where = s.questions_view.mapTo(window, s.questions_view.rect().topLeft())
    size = s.questions_view.size()
    s.show_error("NOT SAVED — the database is locked by another writer " * 3)
    qtbot.wait(50)
    assert s.questions_view.mapTo(window, s.questions_view.rect().topLeft()) == where
    s.questions_view.setFocus()
    for key in (Qt.Key_Y, Qt.Key_N, Qt.Key_Y, Qt.Key_A):
        qtbot.keyClick(s.questions_view, key)
    qtbot.wait(50)
    s.banner.hide()
    qtbot.wait(50)
    assert s.questions_view.mapTo(window, s.questions_view.rect().topLeft()) == where
    assert s.questions_view.size() == size
