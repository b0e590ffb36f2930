"""The Results view shows each target's verdict (docs/contracts.md §9) beside the Y rate, in words,
and hides the Target column for a question set that sets no targets."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reviewer import demo
from reviewer.ops.audits import create_audit
from ui.app.main_window import RESULTS
from ui.models.results import COL_QUESTION, COL_RATE, COL_TARGET


def targets_shown(window) -> dict[str, str]:
    m, table = window.results.model, window.results.table
    assert not table.isColumnHidden(COL_TARGET)
    return {m.data(m.index(r, COL_QUESTION)).split(".")[0]: m.data(m.index(r, COL_TARGET))
            for r in range(m.rowCount()) if m.data(m.index(r, COL_TARGET))}


def test_target_verdicts_in_the_results_view(qtbot, make_window):
    window = make_window()
    for name, q1, q2 in ((demo.DEMO_NAME, "≥ 70%: not met", "≥ 70%: not met"),
                         (demo.REAUDIT_NAME, "≥ 70%: met", "≥ 70%: not met")):
        window.open_audit(window.session.ws.audit(name).id)
        qtbot.keyClick(window, Qt.Key_3, Qt.ControlModifier)
        assert window.tabs.currentIndex() == RESULTS
        qtbot.waitUntil(window.results.chart_ready)
        shown = targets_shown(window)
        assert shown == {"1": q1, "2": q2}, name
    # the 2013 Q1 rate (79%, interval 70–86%) sits wholly above the 70% standard
    m = window.results.model
    row = next(r for r in range(m.rowCount()) if m.data(m.index(r, COL_TARGET)))
    assert m.data(m.index(row, COL_RATE)).startswith("79%")
    assert "95% interval" in m.data(m.index(row, COL_TARGET), Qt.ItemDataRole.ToolTipRole)


def test_no_target_column_without_targets(qtbot, make_window):
    window = make_window(demo=False)
    audit = window.session.run(
        lambda ws, _p: create_audit(ws, "Crime recording", "scottish-crime-recording-audit"))
    window.open_audit(audit.value.id)
    window.show_tab(RESULTS)
    qtbot.waitUntil(window.results.chart_ready)
    assert window.results.table.isColumnHidden(COL_TARGET)


def test_weighted_rates_beside_the_plain_ones(qtbot, make_window, tmp_path):
    """docs/contracts.md §13: strata sampled at unequal fractions: the Results view gives the
    weighted Y rates beside the plain ones."""
    from reviewer.ops.weights import set_population
    from tests.conftest import DEMO_CSV
    from tests.ui.app_ops import new_audit, run

    window = make_window(demo=False)
    audit = new_audit(window, "Areas", DEMO_CSV)
    areas = sorted({line.split(",")[2] for line in
                    DEMO_CSV.read_text(encoding="utf-8-sig").splitlines()[1:]})
    pop = tmp_path / "pop.csv"
    pop.write_text("stratum,population\n" + "".join(
        f"{a},{1000 * (k + 1) ** 2}\n" for k, a in enumerate(areas)), encoding="utf-8")
    run(window, lambda ws, _p: set_population(ws, audit.id, pop, "area"))
    window.open_audit(audit.id)
    window.show_tab(RESULTS)
    qtbot.waitUntil(window.results.chart_ready)
    text = window.results.heading.text()
    assert "weighted by population" in text and "1: weighted" in text and "unweighted 10%" in text
