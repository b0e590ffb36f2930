"""No keyboard trap (WCAG 2.1.2, issue #20): on every screen and in every dialog, pressing Tab
(and Shift+Tab) with real key events visits every visible focusable control and comes back to
where it started; no table keeps Tab for its cells, and on the scoring screen Tab never moves
the current question. The Results chart (its text alternative is the table) is reached too."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from tests.ui.surfaces import app_dialogs, input_dialogs, while_open
from ui.app.main_window import AUDITS, CALIBRATION, COMPARE, PLAN, RESULTS, SCORING


def _owner(w: QWidget | None) -> QWidget | None:
    """The control a focused widget belongs to (a combo's own line edit is the combo)."""
    while w is not None and w.focusProxy() is not None:
        w = w.focusProxy()
    return w


def focusable(root: QWidget) -> set[QWidget]:
    """Visible, enabled widgets of ``root``'s window that Tab may stop at."""
    found = set()
    for w in [root, *root.findChildren(QWidget)]:
        if w.window() is not root.window() or not w.isVisible() or not w.isEnabled():
            continue
        if w.focusProxy() is not None:
            continue
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus:
            found.add(w)
    return found


def walk(start: QWidget, backwards: bool = False) -> list[QWidget]:
    """Press Tab (Shift+Tab) from ``start`` until focus comes back to it; the stops made."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    first = _owner(QApplication.focusWidget())
    stops = [first]
    limit = 4 * len(focusable(start)) + 10
    for _ in range(limit):
        target = QApplication.focusWidget() or start
        modifier = Qt.KeyboardModifier.ShiftModifier if backwards else \
            Qt.KeyboardModifier.NoModifier
        QTest.keyClick(target, Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab, modifier)
        QApplication.processEvents()
        now = _owner(QApplication.focusWidget())
        if now is stops[-1]:                   # Tab was kept: moved a cell, or nothing
            raise AssertionError(f"Tab does not leave {describe(now)}: trapped")
        if now is first:
            return stops
        stops.append(now)
    raise AssertionError(f"Tab never came back to {describe(first)}: trapped among "
                         f"{[describe(w) for w in stops[-5:]]}")


def describe(w: QWidget | None) -> str:
    if w is None:
        return "nothing"
    return f"{type(w).__name__}({w.objectName() or w.accessibleName()})"


def check_chain(start: QWidget) -> list[QWidget]:
    """Both directions reach every focusable control once per cycle."""
    want = focusable(start)
    problems = []
    for backwards in (False, True):
        stops = walk(start, backwards)
        missed = want - set(stops)
        if missed:
            problems.append(f"{'Shift+Tab' if backwards else 'Tab'} never reaches "
                            f"{sorted(describe(w) for w in missed)}")
    assert problems == []
    return walk(start)


def test_no_item_view_keeps_tab(qtbot, make_window):
    window = make_window()
    window.results.group_by("area")
    views = window.findChildren(QAbstractItemView)
    assert len(views) > 8
    assert [describe(v) for v in views if v.tabKeyNavigation()] == []


def test_every_screen_has_a_full_tab_cycle(qtbot, make_window):
    window = make_window()
    seen = {}
    for tab in (AUDITS, SCORING, RESULTS, COMPARE, CALIBRATION, PLAN):
        window.show_tab(tab)
        qtbot.wait(50)
        page = window.tabs.currentWidget()
        start = QApplication.focusWidget() or page
        seen[tab] = check_chain(start)
        assert any(page.isAncestorOf(w) for w in seen[tab])
    assert window.results.chart in seen[RESULTS]           # the chart after its table
    stops = seen[RESULTS]
    assert stops.index(window.results.table) < stops.index(window.results.chart)


def test_grouped_results_have_a_full_tab_cycle(qtbot, make_window):
    window = make_window()
    window.show_tab(RESULTS)
    window.results.group_by("area")
    qtbot.wait(50)
    stops = check_chain(window.results.grouped_view.frozen)
    assert window.results.grouped_view.groups in stops
    assert window.results.chart in stops


def test_tab_on_the_scoring_screen_keeps_the_current_question(qtbot, make_window):
    window = make_window()
    window.show_tab(SCORING)
    screen = window.scoring
    screen.select_question(2)
    screen.questions_view.setFocus()
    QTest.keyClick(screen.questions_view, Qt.Key.Key_Tab)
    assert screen.current_question_row() == 2
    assert QApplication.focusWidget() is not screen.questions_view     # Tab left the table
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab,
                   Qt.KeyboardModifier.ShiftModifier)
    assert screen.current_question_row() == 2


def test_every_dialog_has_a_full_tab_cycle(qtbot, make_window):
    window = make_window()
    for what, make in app_dialogs(window).items():
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
        assert check_chain(QApplication.focusWidget() or dialog), what
        dialog.close()
    for what, action in input_dialogs(window).items():
        while_open(qtbot, action, lambda d, what=what: check_chain(
            QApplication.focusWidget() or d))


def test_a_table_that_keeps_tab_is_caught(qtbot):
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QLineEdit, QTableView, QVBoxLayout

    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    table = QTableView()
    model = QStandardItemModel(3, 3, holder)
    table.setModel(model)
    table.setCurrentIndex(model.index(0, 0))
    layout.addWidget(table)
    layout.addWidget(QLineEdit())
    holder.show()
    qtbot.waitExposed(holder)
    holder.activateWindow()
    qtbot.waitUntil(holder.isActiveWindow, timeout=3000)
    try:
        walk(table)
    except AssertionError as exc:
        assert "trapped" in str(exc)
    else:
        raise AssertionError("the trapping table was not caught")
