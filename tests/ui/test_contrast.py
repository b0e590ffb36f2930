"""WCAG 2.1 AA in light, dark and high-contrast themes: the key text of every screen (guidance,
section headings in the results, the save banner, notices, warnings, player messages, and the
status colours that the models give as ForegroundRole/BackgroundRole) has a contrast of at least
4.5:1 with what is behind it, computed with WCAG's relative-luminance formula."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from reviewer import demo
from tests.conftest import DEMO_CSV
from tests.ui.app_ops import new_audit
from ui.app.main_window import COMPARE, RESULTS

FG, BG = Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole
R = QPalette.ColorRole


def luminance(c: QColor) -> float:       # WCAG 2.1, written out here on purpose
    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF())


def ratio(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_formula():
    assert ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21)
    assert ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert ratio(QColor("#8a8a8a"), QColor("#ffffff")) < 4.5     # the old "not asked" grey


def audit_with_q1(window, tmp_path, name: str, yes: int) -> None:
    """The demo answers, except that question 1 is Y for ``yes`` of the 100 calls."""
    rows = list(csv.DictReader(DEMO_CSV.open(encoding="utf-8-sig")))
    for i, row in enumerate(rows):
        row["1"] = "Y" if i < yes else "N"
    path = tmp_path / f"{yes}.csv"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    new_audit(window, name, path)


def compare_flags(view, names: set[str]) -> dict[str, QColor]:
    """Tick exactly the audits ``names``; the Result column's colour for each flag."""
    for row, a in enumerate(view.audits_model.audits):
        state = Qt.CheckState.Checked if a.name in names else Qt.CheckState.Unchecked
        view.audits_model.setData(view.audits_model.index(row, 0), state,
                                  Qt.ItemDataRole.CheckStateRole)
    cm, last = view.model, view.model.columnCount() - 1
    return {cm.cell(r, last): cm.data(cm.index(r, last), FG) for r in range(cm.rowCount())}


def label_pair(label) -> tuple[QColor, QColor]:
    pal = label.palette()
    return pal.color(label.foregroundRole()), pal.color(label.backgroundRole())


def key_text(window, qtbot, tmp_path) -> dict[str, tuple[QColor, QColor]]:
    """(text, background) of each piece of key text, read from the widgets and models."""
    pal = QApplication.palette()
    base, text = pal.color(R.Base), pal.color(R.Text)
    window.open_audit(window.session.ws.audit(demo.DEMO_NAME).id)
    s = window.scoring
    pairs = {"guidance": label_pair(s.guidance)}
    s.show_error("NOT SAVED — test")
    pairs["save banner"] = label_pair(s.banner)
    s.notice.setText("notice")
    pairs["notice"] = label_pair(s.notice)
    s.player.show_message("Cannot play x.wav", "error")
    pairs["player error"] = label_pair(s.player.message)
    s.player.show_message("No recording for this record", "info")
    pairs["player info"] = label_pair(s.player.message)
    qm = s.questions_model
    not_asked = next(r for r in range(qm.rowCount()) if not qm.is_asked(r))
    pairs["not asked question"] = (qm.data(qm.index(not_asked, 1), FG), base)
    window.open_audit(window.session.ws.audit(demo.TO_SCORE_NAME).id)   # first one unanswered
    pairs["unanswered answer cell"] = (text, qm.data(qm.index(0, 2), BG))
    rm = s.records_model
    states = {rm.data(rm.index(r, 2)): rm.data(rm.index(r, 2), FG) for r in range(rm.rowCount())}
    pairs["record 'to do'"] = (states["to do"], base)
    pairs["record 'complete'"] = (states["complete"], base)
    window.show_tab(RESULTS)
    m = window.results.model
    section = next(r for r, row in enumerate(m.rows) if row.kind == "section")
    pairs["results section heading"] = (m.data(m.index(section, 0), FG) or text,
                                        m.data(m.index(section, 0), BG))
    window.results.group_by("area")
    g = window.results.grouped
    section = next(r for r, row in enumerate(g.rows) if row.kind == "section")
    pairs["grouped section heading"] = (text, g.data(g.index(section, 0), BG))
    pairs["chart labels"] = (text, base)
    audit_with_q1(window, tmp_path, "Later", 60)
    audit_with_q1(window, tmp_path, "Latest", 5)
    window.show_tab(COMPARE)
    view = window.compare
    pairs["compare 'improved'"] = (compare_flags(view, {demo.DEMO_NAME, "Later"})["improved"],
                                   base)
    pairs["compare 'worse'"] = (compare_flags(view, {"Later", "Latest"})["worse"], base)
    pairs["compare warnings"] = label_pair(view.warnings)
    return pairs


def test_key_text_reaches_aa_in_every_theme(themed, qtbot, make_window, tmp_path):
    window = make_window(to_score=True)
    pairs = key_text(window, qtbot, tmp_path)
    assert all(isinstance(c, QColor) for pair in pairs.values() for c in pair), pairs
    low = {what: round(ratio(fg, bg), 2) for what, (fg, bg) in pairs.items()
           if ratio(fg, bg) < 4.5}
    assert low == {}, f"{themed}: below 4.5:1: {low}"
    if themed != "light":      # the theme really reached the screens
        assert luminance(pairs["guidance"][1]) < 0.2


def test_the_chart_bars_stand_out_in_every_theme(themed, qapp):
    pal = qapp.palette()
    assert ratio(pal.color(R.Highlight), pal.color(R.Base)) >= 3.0     # WCAG 1.4.11


def test_no_fixed_colour_is_written_in_the_app_outside_the_colour_module():
    ui = Path(__file__).resolve().parents[2] / "ui"
    import re
    fixed = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
    hexes = {str(p.relative_to(ui)): fixed.findall(p.read_text())
             for p in ui.rglob("*.py") if p.name not in ("colours.py", "themes.py")}
    assert len(hexes) > 50                          # every room of ui/ is read
    assert {k: v for k, v in hexes.items() if v} == {}
    sheets = [p.name for p in ui.rglob("*.py") if "setStyleSheet(" in p.read_text()]
    assert sheets == []
