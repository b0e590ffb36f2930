"""Screen readers and keyboards: every control of every screen and dialog has a name that a
screen reader reads (accessible name, buddy label or its own text), no label shows a literal
"&X", no Alt+letter means two things in one window, and the Results chart's text alternative
(the table) is named in its description and reached from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from tests.ui.surfaces import (
    app_dialogs,
    clashes,
    controls,
    input_dialogs,
    literal_ampersands,
    mnemonic_texts,
    spoken_name,
    unnamed,
    while_open,
)
from ui.app.main_window import RESULTS


def test_every_control_of_every_screen_has_a_name(qtbot, make_window):
    window = make_window()
    window.scoring.history.show()            # hidden panels are walked too
    window.results.group_by("area")
    found = list(controls(window))
    assert len(found) > 30                   # the walk sees the screens' controls
    assert unnamed(window) == []
    icon_only = [window.scoring.player.play_button, window.scoring.player.back_button,
                 window.scoring.player.forward_button]
    assert [spoken_name(b) for b in icon_only] == ["Play or pause", "Back 5 seconds",
                                                   "Forward 5 seconds"]


def test_every_dialog_has_named_controls(qtbot, make_window):
    window = make_window()
    problems: dict[str, list[str]] = {}
    for what, make in app_dialogs(window).items():
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        assert list(controls(dialog)), what
        problems[what] = unnamed(dialog)
        dialog.close()
    for what, action in input_dialogs(window).items():
        while_open(qtbot, action, lambda d, what=what: problems.__setitem__(what, unnamed(d)))
    assert problems == {what: [] for what in problems}
    assert set(problems) == {"new audit", "sample", "calibration", "help", "preferences",
                             "rename", "assign"}


def test_an_unnamed_control_is_caught(qtbot):
    from PySide6.QtWidgets import QLineEdit, QToolButton, QVBoxLayout

    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    layout.addWidget(QLineEdit())
    layout.addWidget(QToolButton())          # icon only, no name: what the player had
    assert len(unnamed(holder)) == 2


def test_no_label_shows_a_literal_ampersand(qtbot, make_window):
    window = make_window()
    found = {"window": literal_ampersands(window)}
    for what, make in app_dialogs(window).items():
        dialog = make()
        qtbot.addWidget(dialog)
        found[what] = literal_ampersands(dialog)
    assert found == {what: [] for what in found}


def test_a_form_row_label_without_a_buddy_would_be_caught(qtbot):
    from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit

    holder = QWidget()
    qtbot.addWidget(holder)
    form = QFormLayout(holder)
    row = QHBoxLayout()
    row.addWidget(QLineEdit())
    form.addRow("&File:", row)               # the sample dialog's old row: "&File:" on screen
    assert literal_ampersands(holder) == ["'&File:' (no buddy)"]


def test_no_alt_letter_is_used_twice_in_a_dialog(qtbot, make_window):
    window = make_window()
    found = {}
    for what, make in app_dialogs(window).items():
        dialog = make()
        qtbot.addWidget(dialog)
        found[what] = clashes(mnemonic_texts(dialog))
    assert found == {what: [] for what in found}
    sample = app_dialogs(window)["sample"]()
    qtbot.addWidget(sample)
    assert len([t for t in mnemonic_texts(sample) if "&" in t]) >= 9   # the walk sees them


def test_no_alt_letter_is_used_twice_on_a_screen(qtbot, make_window):
    window = make_window()
    chrome = [a.text() for a in window.menuBar().actions()]
    chrome += [window.tabs.tabText(i) for i in range(window.tabs.count())]
    found = {}
    for i in range(window.tabs.count()):
        texts = chrome + mnemonic_texts(window.tabs.widget(i))
        found[window.tabs.tabText(i)] = clashes(texts)
    assert found == {tab: [] for tab in found}
    assert clashes(["&Suggest size", "&Stratify by:"]) != []      # the old sample dialog


def test_the_charts_text_alternative_is_the_table_and_the_keys_reach_both(qtbot, make_window):
    window = make_window()
    window.show_tab(RESULTS)
    view = window.results
    assert "Results table" in view.chart.accessibleDescription()
    assert view.chart.focusPolicy() != Qt.FocusPolicy.NoFocus
    view.group_combo.setFocus()
    order = []
    w = view.group_combo
    for _ in range(6):
        w = w.nextInFocusChain()
        while w.focusPolicy() == Qt.FocusPolicy.NoFocus or not w.isVisible():
            w = w.nextInFocusChain()
        order.append(w)
    assert order.index(view.table) < order.index(view.chart)
