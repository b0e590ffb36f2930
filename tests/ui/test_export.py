"""Export report… (Ctrl+P) writes the open audit's PDF from the app."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog


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
