"""Every output of the command line from the app, by keyboard (issue #20): the comparison
report and trend chart of the audits ticked on Compare, the plan report (PDF and XLSX), the
agreement (text, JSON), the feedback workbook and the Y-rate chart. Each key is in the one
shortcut table; each file is the owner's only and recorded in the audits' history."""

from __future__ import annotations

import json
import stat

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from ui.app.shortcuts import keys
from ui.dialogs.export_actions import safe_name

BASE, LATER = "BTP ASB 2012 (demo)", "BTP ASB 2013 re-audit (demo)"


@pytest.fixture()
def save_as(monkeypatch, tmp_path):
    """The file dialog answers with ``tmp_path / name``; message boxes are caught."""
    chosen: dict[str, object] = {"name": "", "suggested": []}
    shown: list[str] = []

    def dialog(_parent, _title, suggested, _filters, *a, **k):
        chosen["suggested"].append(suggested)
        return str(tmp_path / str(chosen["name"])), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda p, t, text, *a: shown.append(
            text)))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(
        lambda _p, _t, _l, items, *a, **k: ("operator" if "operator" in items else items[0],
                                            True)))
    chosen["shown"] = shown
    return chosen


def press(qtbot, window, action: str) -> None:
    seq = QKeySequence(keys(action)[0])
    combo = seq[0]
    qtbot.keyClick(window.focusWidget() or window, combo.key(), combo.keyboardModifiers())


def tick(view, names: list[str]) -> None:
    model = view.audits_model
    for row in range(model.rowCount()):
        name = model.data(model.index(row, 0))
        state = Qt.CheckState.Checked if any(name.startswith(n) for n in names) else \
            Qt.CheckState.Unchecked
        model.setData(model.index(row, 0), state.value, Qt.ItemDataRole.CheckStateRole)


def written(qtbot, save_as, tmp_path, name: str, run) -> bytes:
    save_as["name"] = name
    run()
    out = tmp_path / name
    qtbot.waitUntil(out.exists, timeout=30000)
    qtbot.wait(100)
    assert save_as["shown"] == []
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    return out.read_bytes()


def test_the_compare_outputs_from_the_keyboard(qtbot, make_window, save_as, tmp_path):
    window = make_window()
    window.show_tab(3)
    tick(window.compare, [BASE, LATER])
    pdf = written(qtbot, save_as, tmp_path, "compared.pdf",
                  lambda: press(qtbot, window, "export_comparison_report"))
    assert pdf.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "compared.pdf").pages)
    assert LATER in text and BASE in text
    assert save_as["suggested"][-1].endswith(f"{LATER} compared with {BASE}.pdf")
    png = written(qtbot, save_as, tmp_path, "trend.png",
                  lambda: press(qtbot, window, "export_trend_chart"))
    assert png.startswith(b"\x89PNG")
    assert "Written to" in window.statusBar().currentMessage()


def test_the_plan_report_from_the_keyboard(qtbot, make_window, save_as, tmp_path):
    window = make_window()
    window.show_tab(5)
    tick(window.plan, [BASE, LATER])
    for name in ("plan.pdf", "plan.xlsx"):
        data = written(qtbot, save_as, tmp_path, name,
                       lambda: press(qtbot, window, "export_plan_report"))
        assert data[:4] in (b"%PDF", b"PK\x03\x04")
    assert load_workbook(tmp_path / "plan.xlsx").sheetnames


def test_the_agreement_feedback_and_chart_from_the_keyboard(qtbot, make_window, save_as,
                                                            tmp_path):
    window = make_window()
    window.open_audit(window.session.ws.audit(BASE).id)
    text = written(qtbot, save_as, tmp_path, "agreement.txt",
                   lambda: press(qtbot, window, "export_agreement")).decode()
    assert "kappa" in text.lower()
    data = json.loads(written(qtbot, save_as, tmp_path, "agreement.json",
                              lambda: press(qtbot, window, "export_agreement")))
    assert data["overall"]["compared"] > 0
    written(qtbot, save_as, tmp_path, "feedback.xlsx",
            lambda: press(qtbot, window, "export_feedback"))
    assert len(load_workbook(tmp_path / "feedback.xlsx").sheetnames) > 2
    assert written(qtbot, save_as, tmp_path, "chart.png",
                   lambda: press(qtbot, window, "export_results_chart")).startswith(b"\x89PNG")
    exports = [e.detail for e in window.session.ws.history(window.session.audit.id)
               if e.action == "export"]
    assert len(exports) == 4                     # each file recorded in the audit's history
    assert ["agreement" in exports[0], "feedback" in exports[2], "chart" in exports[3]] == \
        [True, True, True]


def test_compare_needs_two_ticked_audits(qtbot, make_window, save_as, tmp_path):
    window = make_window()
    tick(window.compare, [BASE])
    save_as["name"] = "nothing.pdf"
    press(qtbot, window, "export_comparison_report")
    assert save_as["shown"] and "at least two audits" in save_as["shown"][0]
    assert not (tmp_path / "nothing.pdf").exists()


@pytest.mark.parametrize(("name", "file"), [
    ("BTP ASB 2012 (demo)", "BTP ASB 2012 (demo)"),
    ("a/b: c?", "a-b- c-"),
    ("  ", "audit"),
])
def test_the_suggested_file_name_reads_as_the_audit(name, file):
    assert safe_name(name) == file
