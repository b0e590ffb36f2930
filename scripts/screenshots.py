"""Take the README's screenshots of the real window (run under xvfb-run; see README)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewer.ops.scoring import set_note  # noqa: E402
from ui.app import create_window  # noqa: E402
from ui.main_window import AUDITS, RESULTS, SCORING  # noqa: E402


def show_call(window) -> None:
    """The call player part-way through, and a note that points into the recording."""
    s = window.scoring
    audit_id, qs, rid = s.session.audit.id, s.session.qset, s.view.id
    s.session.run(lambda ws, _p: set_note(ws, audit_id, qs, rid, "1", "no repeat check [00:02]"))
    s.show_record(s.session.ws.record(qs, rid), keep_question=True)
    s.player.seek(2400)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("reviewer-screenshots")
    db = os.path.join(tempfile.mkdtemp(), "shots.db")
    window = create_window(db, "A. Reviewer", demo_audit=True)
    window.resize(1280, 800)
    window.show()

    def grab(name: str) -> None:
        app.processEvents()
        screen = QGuiApplication.primaryScreen()
        pixmap = screen.grabWindow(0) if os.environ.get("DISPLAY") else window.grab()
        pixmap.save(str(out / name))
        print("wrote", out / name)

    steps = [
        lambda: window.show_tab(AUDITS), lambda: grab("screenshot-audits.png"),
        lambda: (window.show_tab(SCORING), window.scoring.open_row(3),
                 window.scoring.select_question(2)),
        lambda: show_call(window),   # row 3 has a demo recording: a timestamped note, 00:02
        lambda: grab("screenshot-scoring.png"),
        lambda: window.show_tab(RESULTS), lambda: grab("screenshot-results.png"),
        app.quit,
    ]
    def run_next() -> None:
        if steps:
            steps.pop(0)()
            QTimer.singleShot(800, run_next)

    QTimer.singleShot(800, run_next)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
