"""Take the README's screenshots of the real window, on a 1280×720 virtual screen (a laptop at
1080p and 150%, the smallest the app is measured at: docs/keyboard.md, "Laptop screens"):

    xvfb-run -a -s "-screen 0 1280x720x24" .venv/bin/python scripts/screenshots.py [OUT_DIR]

Each variant runs in a process of its own (a fresh QApplication): ``light`` (the audits,
scoring, results, grouped results and calibration screens, and the whole 1280×720 screen on a
first run), ``large-font`` (twice the system font size), ``dark`` (a dark palette) and
``listening`` (a generated two-minute call with pauses and hold tones, and its transcript,
linked to a demo record: the waveform and the transcript beside the player; run it alone on
a taller screen: ``xvfb-run -a -s "-screen 0 1366x1000x24" ... --one listening docs``). The
pictures are grabbed from the X server (``QScreen.grabWindow``), as a user would see them."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VARIANTS = ("light", "large-font", "dark", "listening")


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["--one"]:
        return one(args[1], Path(args[2]))
    out = Path(args[0]) if args else ROOT / "docs"
    out.mkdir(parents=True, exist_ok=True)
    for variant in VARIANTS:
        done = subprocess.run([sys.executable, __file__, "--one", variant, str(out)])
        if done.returncode:
            return done.returncode
    return 0


def one(variant: str, out: Path) -> int:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setOrganizationName("reviewer-screenshots")
    app.setApplicationName("reviewer-screenshots")
    settings_dir = tempfile.mkdtemp()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    from ui.app import themes

    if variant == "dark":
        themes.apply(app, "dark")
    if variant == "large-font":
        font = app.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        app.setFont(font)
    from ui.app.start import create_window

    db = os.path.join(tempfile.mkdtemp(), "shots.db")
    window = create_window(db, "A. Reviewer", demo_audit=True, to_score=True)
    window.show()
    steps = steps_for(variant, app, window, out)

    def run_next() -> None:
        if not steps:
            window.close()
            app.quit()
            return
        try:
            steps.pop(0)()
        except Exception:          # a broken step fails the run, not only prints
            import traceback

            traceback.print_exc()
            app.exit(1)
            return
        QTimer.singleShot(700, run_next)

    QTimer.singleShot(1000, run_next)
    return app.exec()


def grab(app, window, out: Path, name: str, whole_screen: bool = False) -> None:
    """The window (or the whole screen) as the X server shows it."""
    app.processEvents()
    screen = app.primaryScreen()
    pixmap = screen.grabWindow(0) if whole_screen else screen.grabWindow(window.winId())
    if pixmap.isNull() or not os.environ.get("DISPLAY"):      # offscreen: render it instead
        pixmap = window.grab()
    pixmap.save(str(out / name))
    print("wrote", out / name, f"{pixmap.width()}x{pixmap.height()}")


def charts_ready(app) -> None:
    app.processEvents()


def open_main(window):
    from reviewer import demo

    audit = window.session.ws.audit(demo.DEMO_NAME)
    window.open_audit(audit.id)
    return audit


def show_call(window) -> None:
    """Record 4 of the demo with question 1 selected and a note on it that points into the
    call recording (``seek_call`` then plays it part-way)."""
    from reviewer.ops.scoring import set_note

    s = window.scoring
    s.open_row(3)
    s.select_question(0)
    audit_id, qs, rid = s.session.audit.id, s.session.qset, s.view.id
    s.session.run(lambda ws, _p: set_note(ws, audit_id, qs, rid, "1", "no repeat check [00:02]"))
    s.show_record(s.session.ws.record(qs, rid), keep_question=True)


def show_listening(window) -> None:
    """A generated call (benchmarks/callgen.py) and its WebVTT transcript linked to the fourth
    demo record, opened with silence skipping on and the speech found."""
    from benchmarks.callgen import long_call
    from reviewer.ops.listening import link_transcripts
    from reviewer.ops.sampling import link_recordings

    s = window.scoring
    s.open_row(3)
    ref, audit_id = s.view.ref, s.session.audit.id
    folder = Path(tempfile.mkdtemp())
    spoken = long_call(folder / f"{ref}.wav", minutes=2.0)
    cues = ["WEBVTT", ""]
    for n, x in enumerate(spoken):
        who = "Handler" if n % 2 == 0 else "Caller"
        cues += [f"{clock(x.start)} --> {clock(x.end)}", f"<v {who}>{x.text}", ""]
    (folder / f"{ref}.vtt").write_text("\n".join(cues), encoding="utf-8")
    s.session.run(lambda ws, _p: link_recordings(ws, audit_id, folder))
    s.session.run(lambda ws, _p: link_transcripts(ws, audit_id, folder))
    s.open_row(3)
    window.resize(1366, 940)                 # run this variant on a 1366x1000 screen
    s.left_split.setSizes([110, 330, 330, 0])
    window.scoring.player.skipper.set_on(True)
    window.scoring.listening.profiles.wait()
    QApplicationInstance().processEvents()


def clock(seconds: float) -> str:
    return f"{int(seconds) // 60:02d}:{int(seconds) % 60:02d}.{int(seconds * 1000) % 1000:03d}"


def QApplicationInstance():  # noqa: N802 - Qt's name
    from PySide6.QtWidgets import QApplication

    return QApplication.instance()


def seek_call(window) -> None:
    window.scoring.player.seek(2400)


def steps_for(variant: str, app, window, out: Path) -> list:
    from ui.app.main_window import AUDITS, CALIBRATION, PLAN, RESULTS

    def shot(name: str, whole: bool = False):
        return lambda: grab(app, window, out, name, whole)

    if variant == "large-font":      # opens on the audit to score, as a first run does
        return [lambda: window.scoring.select_question(1), shot("screenshot-large-font.png"),
                lambda: (window.show_tab(RESULTS), charts_ready(app)),
                shot("screenshot-large-font-results.png")]
    if variant == "listening":
        return [lambda: (open_main(window), show_listening(window)),
                lambda: window.scoring.listening.play_from(41_000),
                lambda: window.scoring.player.player.pause(),
                shot("screenshot-listening.png")]
    if variant == "listening":
        return [lambda: (open_main(window), show_listening(window)),
                lambda: window.scoring.listening.play_from(41_000),
                lambda: window.scoring.player.player.pause(),
                shot("screenshot-listening.png")]
    if variant == "dark":
        return [lambda: (open_main(window), show_call(window)), lambda: seek_call(window),
                shot("screenshot-dark.png"),
                lambda: (window.show_tab(RESULTS), charts_ready(app)),
                shot("screenshot-dark-results.png")]
    return [
        shot("screenshot-1280x720.png", whole=True),       # a first run, the whole screen
        lambda: window.show_tab(AUDITS), shot("screenshot-audits.png"),
        lambda: (open_main(window), show_call(window)), lambda: seek_call(window),
        shot("screenshot-scoring.png"),
        lambda: (window.show_tab(RESULTS), charts_ready(app)), shot("screenshot-results.png"),
        lambda: grouped(window), shot("screenshot-results-grouped.png"),
        lambda: (open_main(window), window.show_tab(CALIBRATION)),   # the demo's calibration
        lambda: window.calibration.decide("a"),      # the lead keeps the main answer
        shot("screenshot-calibration.png"),
        lambda: (window.show_tab(PLAN), plan_item(window, "2.1.1")), shot("screenshot-plan.png"),
    ]


def plan_item(window, ref: str) -> None:
    """The demo plan with one item selected, so its evidence shows below the items."""
    from ui.models.plan_items import COL_REF

    view, m = window.plan, window.plan.items
    row = next(r for r in range(m.rowCount()) if m.data(m.index(r, COL_REF)) == ref)
    view.items_view.setFocus()
    view.items_view.selectRow(row)


def grouped(window) -> None:
    """Results by area, question 1's figure for the second area opened."""
    from ui.models.grouped import FIRST_GROUP

    view = window.results
    view.group_by("area")
    row = next(r for r, x in enumerate(view.grouped.rows) if x.qid == "1")
    view.grouped_view.select_figure(row, FIRST_GROUP + 1)
    view._show_group_behind(view.grouped.figure_at(row, FIRST_GROUP + 1))


if __name__ == "__main__":
    sys.exit(main())
