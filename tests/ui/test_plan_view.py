"""The Plan view on the demo: the ASB improvement plan's items with owner, due date (overdue in
words), progress and the evidence from the 2012 audit and its 2013 re-audit; Enter on a rate
lists the records behind it and opens one for scoring."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.app.main_window import PLAN, SCORING
from ui.models.plan_evidence import FIRST_AUDIT
from ui.models.plan_items import COL_DUE, COL_REF, COL_STATUS


def test_the_demo_plan_and_its_evidence(qtbot, make_window):
    window = make_window()
    qtbot.keyClick(window.scoring.questions_view, Qt.Key_6, Qt.ControlModifier)
    assert window.tabs.currentIndex() == PLAN
    v = window.plan
    assert v.plan_combo.currentText() == "ASB improvement plan 2012 (demo)"
    assert [a.name for a in v.audits_model.chosen()] == ["BTP ASB 2012 (demo)",
                                                         "BTP ASB 2013 re-audit (demo)"]
    m = v.items
    rows = {m.data(m.index(r, COL_REF)): r for r in range(m.rowCount())}
    assert len(rows) == 32 and "overdue" in v.heading.text()
    row = rows["2.1.1"]
    assert m.data(m.index(row, COL_STATUS)) == "improved"
    assert m.data(m.index(row, COL_DUE)) == "2012-10-31 — OVERDUE"
    assert m.data(m.index(rows["2.5.3"], COL_DUE)) == "2012-12-31"     # complete: not overdue
    v.items_view.setFocus()
    v.items_view.selectRow(row)
    assert "progress:" in v.progress.text()
    e = v.evidence
    assert e.rowCount() == 2 and e.cell(0, 0).startswith("1. Have repeat occasions")
    assert e.cell(0, FIRST_AUDIT).startswith("10% (6–17%)")
    assert e.cell(0, FIRST_AUDIT + 1).startswith("79%")
    assert e.cell(0, FIRST_AUDIT + 3) == "improved" and e.cell(0, FIRST_AUDIT + 4) == "≥ 70%: met"
    # Enter on the 2013 rate: the 100 records behind it; Enter on one opens it for scoring.
    v.evidence_view.setFocus()
    v.evidence_view.setCurrentIndex(e.index(0, FIRST_AUDIT + 1))
    qtbot.keyClick(v.evidence_view, Qt.Key_Return)
    assert v.behind.model.rowCount() == 100 and v.behind.view.hasFocus()
    qtbot.keyClick(v.behind.view, Qt.Key_Return)
    assert window.tabs.currentIndex() == SCORING
    assert window.session.audit.name == "BTP ASB 2013 re-audit (demo)"
    assert window.scoring.record_panel.ref_label.text().startswith("BTP-13-")
    assert window.scoring.current_question().id == "1"


def test_the_evidence_starts_from_the_finished_audits(qtbot, make_window):
    """With the practice audit (partly scored, the latest) in the database, the Plan view still
    starts on the two latest finished audits, never a calibration."""
    window = make_window(to_score=True)
    window.show_tab(PLAN)
    assert [a.name for a in window.plan.audits_model.chosen()] == [
        "BTP ASB 2012 (demo)", "BTP ASB 2013 re-audit (demo)"]


def test_an_imported_plan_is_shown_from_the_hook(qtbot, make_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    plan = tmp_path / "follow-up.csv"
    plan.write_text("ref,area,due,owner,progress,updated,complete,questions\n"
                    "F1,Ask every caller about repeat calls,2013-06-30,Contacts Manager,,,No,1\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (
        str(plan), "")))
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: ("Follow-up plan 2013", True)))
    window = make_window()
    window.show_tab(PLAN)
    v = window.plan
    v.import_dialog()
    assert v.plan_combo.currentText() == "Follow-up plan 2013"      # not the demo plan
    assert v.items.rowCount() == 1 and "1 items" in v.heading.text()
    assert "Follow-up plan 2013" in window.statusBar().currentMessage()
