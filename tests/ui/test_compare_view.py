"""The Compare tab flags what changed between two audits, checked against scipy directly."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from scipy.stats import fisher_exact

from tests.conftest import DEMO_CSV
from tests.ui.app_ops import new_audit
from ui.app.main_window import COMPARE


def later_audit(window, tmp_path):
    """The demo answers, except that question 1 is now Y for 60 of the 100 calls."""
    rows = list(csv.DictReader(DEMO_CSV.open(encoding="utf-8-sig")))
    for i, row in enumerate(rows):
        row["1"] = "Y" if i < 60 else "N"
    path = tmp_path / "later.csv"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    new_audit(window, "BTP ASB 2013 re-audit", path)


def test_compare_two_audits(qtbot, make_window, tmp_path):
    window = make_window()
    later_audit(window, tmp_path)
    qtbot.keyClick(window.scoring.questions_view, Qt.Key_4, Qt.ControlModifier)
    assert window.tabs.currentIndex() == COMPARE
    view = window.compare
    lst = view.audit_list
    for row, audit in enumerate(view.audits_model.audits):
        if audit.name in ("BTP ASB 2012 (demo)", "BTP ASB 2013 re-audit"):
            lst.setCurrentIndex(view.audits_model.index(row, 0))
            qtbot.keyClick(lst, Qt.Key_Space)
    m = view.model
    assert m.rowCount() > 0
    row = next(r for r in range(m.rowCount()) if m.cell(r, 0).startswith("1. "))
    last = m.columnCount() - 1
    assert m.cell(row, 1).startswith("10%") and m.cell(row, 2).startswith("60%")
    assert m.cell(row, last - 3) == "+50 pts"
    p = fisher_exact([[60, 40], [10, 90]])[1]
    assert p < 0.001 and m.cell(row, last - 1) == "< 0.001"        # outputs/numbers.py
    assert m.data(m.index(row, last)) == "improved"
    row3 = next(r for r in range(m.rowCount()) if m.cell(r, 0).startswith("3. "))
    assert m.data(m.index(row3, last)) == "no significant change"


def test_three_audits_show_control_limits(qtbot, make_window, tmp_path):
    """docs/contracts.md §13: with three or more audits the chart is the p-chart with control
    limits, and its text alternative is the trend's table."""
    window = make_window()
    later_audit(window, tmp_path)
    new_audit(window, "Third", DEMO_CSV)
    qtbot.keyClick(window.scoring.questions_view, Qt.Key_4, Qt.ControlModifier)
    view = window.compare
    names = [a.name for a in view.audits_model.audits]
    assert len(names) >= 3, names
    lst = view.audit_list
    for row, audit in enumerate(view.audits_model.audits):
        if audit.name in ("BTP ASB 2012 (demo)", "BTP ASB 2013 re-audit",
                          "Third"):
            lst.setCurrentIndex(view.audits_model.index(row, 0))
            qtbot.keyClick(lst, Qt.Key_Space)
    assert len(view.audits_model.chosen()) == 3
    assert not view.chart.pixmap().isNull()
    description = view.chart.accessibleDescription()
    assert "centre line from the baseline" in description and "UCL" in description
