"""Create an audit and draw a sample from an incident list, from the keyboard; the sample is
reproducible from its seed; the audits model is read through model.data()."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from reviewer.store import records
from tests.conftest import ASB_SET
from ui.dialogs.new_audit import NewAuditDialog
from ui.dialogs.sample import SampleDialog
from ui.models.audits import COL_NAME, COL_PROGRESS, COL_SAMPLE, COL_VERSION


def incident_list(tmp_path, n: int = 300):
    path = tmp_path / "incidents.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Opened", "Incident No", "Area", "Closure"])
        for i in range(n):
            w.writerow([f"2026-10-{1 + i % 28:02d}", f"CAD-{i:05d}", ["North", "South",
                        "East"][i % 3], "ASB P"])
    return path


def on_next_dialog(qtbot, action) -> None:
    """Run ``action(dialog)`` on the next modal dialog, once it is open."""
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog):
            action(dialog)
        else:
            QTimer.singleShot(50, poll)
    QTimer.singleShot(50, poll)


def create_audit_by_keyboard(qtbot, window, name: str) -> None:
    def fill(dialog: NewAuditDialog) -> None:
        qtbot.keyClicks(dialog.name_edit, name)
        dialog.set_combo.setFocus()
        dialog.set_combo.lineEdit().selectAll()
        qtbot.keyClicks(dialog.set_combo.lineEdit(), str(ASB_SET))
        qtbot.keyClick(dialog.name_edit, Qt.Key_Return)   # the OK button is the default
    on_next_dialog(qtbot, fill)
    qtbot.keyClick(window.audits.table, Qt.Key_N, Qt.ControlModifier)


def draw_by_keyboard(qtbot, window, path, size: int, seed: int, strata: str = "") -> None:
    """Fill the sample dialog with keys, as Ctrl+D opens it, and apply its result."""
    dialog = SampleDialog(window.session, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.file_edit, str(path))
    qtbot.keyClick(dialog.file_edit, Qt.Key_Return)        # preview + ref column guess
    assert dialog.ref_combo.currentText() == "Incident No"
    dialog.import_button.setFocus()
    qtbot.keyClick(dialog.import_button, Qt.Key_Return)
    dialog.size_spin.setFocus()
    dialog.size_spin.selectAll()
    qtbot.keyClicks(dialog.size_spin, str(size))
    dialog.seed_spin.setFocus()
    dialog.seed_spin.selectAll()
    qtbot.keyClicks(dialog.seed_spin, str(seed))
    if strata:
        dialog.strata_combo.setCurrentIndex(dialog.strata_combo.findText(strata))
    dialog.draw_button.setFocus()
    qtbot.keyClick(dialog.draw_button, Qt.Key_Return)
    assert dialog.result is not None and not dialog.isVisible()
    window.apply_sample(dialog.result)


def test_ctrl_d_opens_the_sample_dialog(qtbot, make_window):
    window = make_window()
    seen = []

    def close(dialog) -> None:
        seen.append(type(dialog).__name__)
        qtbot.keyClick(dialog, Qt.Key_Escape)
    on_next_dialog(qtbot, close)
    qtbot.keyClick(window.scoring.questions_view, Qt.Key_D, Qt.ControlModifier)
    qtbot.waitUntil(lambda: seen == ["SampleDialog"], timeout=5000)


def refs_of(window) -> list[str]:
    audit = window.session.audit
    return [r.ref for r in records.page(window.session.ws.db, audit.id, 0, 1000)]


def test_create_sample_and_score_from_the_keyboard(qtbot, make_window, tmp_path):
    window = make_window(demo=False)
    assert window.audits.model.rowCount() == 0        # an empty database opens empty: no demo
    create_audit_by_keyboard(qtbot, window, "October self-audit")
    qtbot.waitUntil(lambda: window.session.audit is not None
                    and window.session.audit.name == "October self-audit", timeout=5000)
    m = window.audits.model
    row = next(r for r in range(m.rowCount())
               if m.data(m.index(r, COL_NAME)) == "October self-audit")
    assert m.data(m.index(row, COL_VERSION)) == 2
    assert m.data(m.index(row, COL_SAMPLE)) == "no records yet"

    draw_by_keyboard(qtbot, window, incident_list(tmp_path), size=30, seed=4242,
                     strata="Area")
    qtbot.waitUntil(lambda: window.scoring.records_model.rowCount() == 30, timeout=10000)
    sample = window.session.audit.sample
    assert (sample["population"], sample["size"], sample["seed"]) == (300, 30, 4242)
    assert sample["strata"] == {"East": 10, "North": 10, "South": 10}
    window.show_tab(0)                  # the Audits screen, refreshed from the hook when shown
    row = next(r for r in range(m.rowCount())
               if m.data(m.index(r, COL_NAME)) == "October self-audit")
    assert m.data(m.index(row, COL_SAMPLE)).startswith("30 of 300")
    assert m.data(m.index(row, COL_PROGRESS)) == "0 of 30 complete (0%)"
    first = refs_of(window)
    window.show_tab(1)                  # back to scoring

    # Score the first record: fields from the incident list are shown beside the questions.
    s = window.scoring
    assert s.record_panel.field_text("Area") in {"North", "South", "East"}
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    s.questions_view.setFocus()
    qtbot.keyClick(s.questions_view, Qt.Key_Y)
    assert s.view.states["1"] == (1, "Y")

    # The same list, size and seed in another audit give the same sample.
    create_audit_by_keyboard(qtbot, window, "Repeat draw")
    qtbot.waitUntil(lambda: window.session.audit.name == "Repeat draw", timeout=5000)
    draw_by_keyboard(qtbot, window, incident_list(tmp_path), size=30, seed=4242,
                     strata="Area")
    qtbot.waitUntil(lambda: window.scoring.records_model.rowCount() == 30, timeout=10000)
    assert refs_of(window) == first


def test_question_set_errors_are_shown_with_file_and_line(qtbot, make_window, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad-set\ntitle: Bad\nversion: 1\nquestions:\n"
                   "  - id: '1'\n    text: Q\n    type: maybe\n")
    window = make_window()
    dialog = NewAuditDialog(window.session, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name_edit, "Broken")
    dialog.set_combo.setCurrentText(str(bad))
    qtbot.keyClick(dialog.name_edit, Qt.Key_Return)
    assert dialog.isVisible()
    assert f"{bad}:7: unknown type 'maybe'" in dialog.errors.toPlainText()


def test_the_dialog_offers_the_bundled_sets(qtbot, make_window):
    from reviewer.bundled import bundled_sets

    window = make_window(demo=False)
    dialog = NewAuditDialog(window.session, window)
    qtbot.addWidget(dialog)
    dialog.show()
    sets = bundled_sets()
    combo = dialog.set_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        f"{s.title} ({s.id} v{s.version})" for s in sets]
    qtbot.keyClicks(dialog.name_edit, "From the list")
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key_Down)                  # the second bundled set
    qtbot.keyClick(dialog.name_edit, Qt.Key_Return)
    assert dialog.created is not None and not dialog.isVisible(), dialog.errors.toPlainText()
    assert dialog.created.set_key == sets[combo.currentIndex()].id == sets[1].id


def test_a_second_draw_asks_first(qtbot, make_window, tmp_path):
    window = make_window(demo=False)
    create_audit_by_keyboard(qtbot, window, "Twice")
    qtbot.waitUntil(lambda: window.session.audit is not None
                    and window.session.audit.name == "Twice", timeout=5000)
    path = incident_list(tmp_path)
    draw_by_keyboard(qtbot, window, path, size=10, seed=1)
    dialog = SampleDialog(window.session, window)
    qtbot.addWidget(dialog)
    dialog.show()
    asked = []

    def answer_no(box) -> None:
        asked.append(box.text())
        qtbot.keyClick(box, Qt.Key_Escape)
    on_next_dialog(qtbot, answer_no)
    dialog.draw_button.setFocus()
    qtbot.keyClick(dialog.draw_button, Qt.Key_Return)
    assert asked and "already has a sample" in asked[0]
    assert dialog.result is None and dialog.isVisible()
    assert records.count(window.session.ws.db, window.session.audit.id) == 10
