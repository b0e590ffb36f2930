"""The rough edges a new user found: Enter in the sample dialog's path field, grouped results
(question column kept, chart and records following the grouping), the Compare table's layout,
the F1 help's width, and file dialogs that remember their folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.ui.test_audit_and_sample import incident_list
from tests.ui.test_compare_view import later_audit
from ui.app.main_window import COMPARE, RESULTS, SCORING
from ui.dialogs.file_dialogs import default_folder, last_folder
from ui.dialogs.help import HelpOverlay
from ui.dialogs.sample import SampleDialog
from ui.models.grouped import FIRST_GROUP


def test_enter_in_the_path_field_previews_and_never_imports(qtbot, make_window, tmp_path):
    window = make_window()
    dialog = SampleDialog(window.session, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.file_edit.setFocus()
    qtbot.keyClicks(dialog.file_edit, str(incident_list(tmp_path)))
    qtbot.keyClick(dialog.file_edit, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.file_edit, Qt.Key.Key_Enter)       # twice, and the keypad's Enter
    assert dialog.preview.rowCount() > 0                     # previewed
    assert window.session.ws.population_size(window.session.audit.id) == 0   # not imported
    assert dialog.result is None and dialog.isVisible()
    assert "No incident list imported yet" in dialog.population_label.text()
    assert dialog.ref_combo.currentText() == "Incident No"


def grouped(window):
    window.show_tab(RESULTS)
    window.results.group_by("area")
    return window.results


def test_grouped_results_keep_the_question_in_view(qtbot, make_window):
    window = make_window()
    window.resize(1100, 700)
    view = grouped(window)
    gv = view.grouped_view
    qtbot.wait(50)
    assert gv.frozen.isVisible() and gv.groups.isVisible()
    assert [c for c in range(view.grouped.columnCount()) if not gv.frozen.isColumnHidden(c)] \
        == [0, 1]
    assert gv.frozen.columnWidth(0) > 150
    bar = gv.groups.horizontalScrollBar()        # many groups: they scroll, the question stays
    bar.setValue(bar.maximum())
    assert gv.frozen.horizontalScrollBar().value() == 0
    assert gv.frozen.visualRect(view.grouped.index(1, 0)).left() <= 1
    gv.groups.verticalScrollBar().setValue(5)
    assert gv.frozen.verticalScrollBar().value() == gv.groups.verticalScrollBar().value()
    assert [gv.frozen.rowHeight(r) for r in range(10)] == [gv.groups.rowHeight(r)
                                                           for r in range(10)]
    for row in range(5, 15):      # each question on the same line as its figures
        left = gv.frozen.visualRect(view.grouped.index(row, 0))
        right = gv.groups.visualRect(view.grouped.index(row, FIRST_GROUP))
        assert gv.frozen.viewport().mapToGlobal(left.topLeft()).y() == \
            gv.groups.viewport().mapToGlobal(right.topLeft()).y()


def test_the_chart_follows_the_grouping(qtbot, make_window):
    window = make_window()
    view = grouped(window)
    qtbot.waitUntil(lambda: bool(view.chart.bars), timeout=30000)
    groups = view.grouped.groups
    assert "by area" in view.chart.title
    assert [label for label, _ in view.chart.bars] == ["All records"] + [
        value or "(blank)" for value, _ in groups[1:]]
    q3 = next(r for r, x in enumerate(view.grouped.rows) if x.qid == "3")
    view.grouped_view.select_figure(q3)
    assert view.chart.title.startswith("Question 3:")
    view.group_by("")
    assert view.chart.title.startswith("Y rate per question")


def test_a_grouped_figure_opens_its_records(qtbot, make_window):
    window = make_window()
    view = grouped(window)
    g = view.grouped
    row = next(r for r, x in enumerate(g.rows) if x.qid == "1" and x.kind == "yes_no")
    col = FIRST_GROUP + 2                              # the second area
    value, tally = g.groups[col - FIRST_GROUP]
    view.grouped_view.select_figure(row, col)
    view.grouped_view.groups.setFocus()
    qtbot.keyClick(view.grouped_view.groups, Qt.Key.Key_Return)
    total = tally.by_id()["1"].total
    assert view.behind.model.rowCount() == total > 0
    assert f"area = {value}" in view.behind.label.text()
    qtbot.keyClick(view.behind.view, Qt.Key.Key_Return)
    assert window.tabs.currentIndex() == SCORING
    assert window.scoring.record_panel.field_text("area") == value
    every = view.session.ws.records_behind(view.session.audit, "1", "total")
    assert len(every) == 100


def test_compare_gives_the_question_the_room(qtbot, make_window, tmp_path):
    window = make_window()
    window.resize(1366, 740)
    later_audit(window, tmp_path)
    window.show_tab(COMPARE)
    view = window.compare
    names = {"BTP ASB 2012 (demo)", "BTP ASB 2013 re-audit"}
    for row, a in enumerate(view.audits_model.audits):
        if a.name in names:
            view.audits_model.setData(view.audits_model.index(row, 0), Qt.CheckState.Checked,
                                      Qt.ItemDataRole.CheckStateRole)
    qtbot.wait(50)
    assert view.model.rowCount() > 0
    width = view.table.viewport().width()
    assert view.table.columnWidth(0) >= 0.4 * width - 2
    assert not view.chart_scroll.isVisible()                  # no empty third with two
    assert view.table.height() >= 0.6 * view.height()
    assert "three or more" in view.warnings.text()


@pytest.mark.parametrize("scale", [0.75, 1, 2])
def test_f1_help_is_wide_enough_for_its_longest_line(qtbot, make_window, qapp, scale):
    font = qapp.font()
    big = type(font)(font)
    big.setPointSizeF(font.pointSizeF() * scale)
    qapp.setFont(big)
    try:
        window = make_window()
        dialog = HelpOverlay(window)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.scroll.horizontalScrollBar().maximum() == 0     # never scrolls sideways
        screen = dialog.screen().availableGeometry().width()
        # room for the longest line (nothing wraps), unless the screen is narrower than that
        assert dialog.label.width() >= dialog.natural_width or dialog.width() >= 0.9 * screen - 1
        assert dialog.width() > 560                                   # the old fixed width
    finally:
        qapp.setFont(font)


def test_file_dialogs_remember_their_folder_per_kind(qtbot, make_window, tmp_path,
                                                     monkeypatch):
    window = make_window()
    asked: list[str] = []
    answers = iter([str(tmp_path / "tables" / "answers.csv"), ""])

    def fake_open(_parent, _title, folder, _filters):
        asked.append(folder)
        return next(answers), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "answers.csv").write_text("ref\n")
    program = Path(__file__).resolve().parents[2]
    assert last_folder("answers") == default_folder() != str(program)
    window.import_answers()
    window.import_answers()
    assert asked == [default_folder(), str(tmp_path / "tables")]
    assert last_folder("incidents") == default_folder()        # each kind its own folder
