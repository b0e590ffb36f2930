"""Export report… (Ctrl+P) and Export results… write the open audit's files from the app: the
extension picks the format (added from the chosen filter when missing), files are 0600."""

from __future__ import annotations

import stat

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from ui.dialogs.disclosure import DisclosureDialog


@pytest.fixture(autouse=True)
def purpose_given(monkeypatch):
    """The purpose form (docs/contracts.md §11) answered at once (a modal dialog would wait)."""
    def answer(dialog):
        dialog.purpose.setText("inspection")
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(DisclosureDialog, "exec", answer)


def test_ctrl_p_exports_the_report(qtbot, make_window, tmp_path, monkeypatch):
    out = tmp_path / "report.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(out), "PDF (*.pdf)")))
    window = make_window()
    qtbot.keyClick(window.scoring.questions_view, Qt.Key_P, Qt.ControlModifier)
    qtbot.waitUntil(out.exists, timeout=20000)
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Have repeat occasions been verbally checked?" in text
    assert "Report written to" in window.statusBar().currentMessage()


@pytest.mark.parametrize("chosen, selected, written", [
    ("results", "CSV (*.csv)", "results.csv"),          # the filter's extension is added
    ("results", "Excel workbook (*.xlsx)", "results.xlsx"),
    ("results.XLSX", "CSV (*.csv)", "results.XLSX"),    # a typed extension wins, any case
])
def test_export_results_from_the_app(qtbot, make_window, tmp_path, monkeypatch, chosen,
                                     selected, written):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(out_dir / chosen), selected)))
    shown: list[str] = []                  # a message box would wait for a click
    for name in ("warning", "information"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda p, t, text: shown.append(text)))
    window = make_window()
    window.export_results()
    assert shown == []
    out = out_dir / written
    assert [p.name for p in out_dir.iterdir()] == [written]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "Results written to" in window.statusBar().currentMessage()
    if written.lower().endswith(".xlsx"):
        wb = load_workbook(out)
        assert wb.sheetnames == ["Results", "Answers", "Records", "Agreement"]   # demo has one
        assert not [c for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_an_unknown_extension_from_the_app_writes_nothing(qtbot, make_window, tmp_path,
                                                          monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "r.ods"), "")))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: shown.append(text)))
    window = make_window()
    window.export_results()
    assert shown == [f"{tmp_path / 'r.ods'}: the results file must be a .xlsx or .csv file "
                     "(not '.ods')"]
    assert not (tmp_path / "r.ods").exists()
