"""Start the desktop app on a database. The demo audits are made only when asked (``--demo``):
an empty database opens empty. A first start with the demo opens the audit left to score, on its
first unanswered record, so a newcomer meets a question and the keys that answer it."""

from __future__ import annotations

import signal
import sys

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from reviewer import demo
from reviewer.errors import NotFound, ReviewerError
from ui.app import error_hook, themes, warmup
from ui.app.main_window import SCORING, MainWindow
from ui.app.session import Session


def create_window(target: str, reviewer: str, demo_audit: bool = False,
                  to_score: bool = False, monthly: bool = False) -> MainWindow:
    """The main window on a database, opened on the last (or the first) audit. ``demo_audit``
    makes the demo audit, ``to_score`` the partly unscored one too and ``monthly`` the monthly
    self-audits (``--demo`` does all three)."""
    themes.make_readable(QApplication.instance())
    session = Session(target, reviewer)
    if demo_audit:
        demo.ensure_demo(session.ws, to_score=to_score, monthly=monthly)
    window = MainWindow(session)
    window.audits.refresh()
    audits = session.ws.audits()
    last = QSettings().value("last_audit")
    ids = [a.id for a in audits]
    chosen = int(last) if last is not None and str(last).isdigit() and int(last) in ids else None
    if chosen is None and demo_audit and to_score:
        try:
            chosen = session.ws.audit(demo.TO_SCORE_NAME).id
        except NotFound:
            pass
    if chosen is None and audits:
        chosen = audits[0].id
    if chosen is not None:
        session.open_audit(chosen)
        window.show_tab(SCORING)
    return window


def _quit_on_signals(app: QApplication, window: MainWindow) -> None:
    """Ctrl+C in the terminal (SIGINT) or ``kill`` (SIGTERM) closes the window as its close
    button would. Python sees a signal only when it runs, so a timer gives it the chance."""
    def close(*_args) -> None:
        window.close()
        app.quit()

    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), close)
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def run(target: str, reviewer: str, demo: bool = False, quit_after: float | None = None) -> int:
    """Show the window and run the event loop; ``quit_after`` seconds closes it (smoke tests)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("reviewer")
    app.setApplicationName("reviewer")
    themes.apply_from_environment(app)
    error_hook.install()
    try:
        window = create_window(target, reviewer, demo, to_score=demo, monthly=demo)
    except ReviewerError as exc:
        if sys.stderr is None:  # the packaged program on Windows has no console: say it here
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(None, "reviewer cannot start", "\n".join(exc.problems))
        else:
            print("\n".join(exc.problems), file=sys.stderr)
        return exc.exit_status
    if window.open_maximised:
        window.showMaximized()
    else:
        window.show()
    QTimer.singleShot(500, warmup.start)     # statistics libraries, off the GUI thread
    _quit_on_signals(app, window)
    if quit_after is not None:
        def shown_then_quit() -> None:
            from PySide6.QtMultimedia import QMediaFormat

            decode = QMediaFormat.ConversionMode.Decode
            formats = len(QMediaFormat().supportedFileFormats(decode))   # 0: no media backend
            frame, area = window.frameGeometry(), window.screen().availableGeometry()
            print(f"reviewer-gui: window shown: {window.windowTitle()}; audio file formats: "
                  f"{formats}; window {frame.width()}x{frame.height()}+{frame.x()}+{frame.y()} "
                  f"in {area.width()}x{area.height()}+{area.x()}+{area.y()}", file=sys.stderr)
            window.close()
            app.quit()
        QTimer.singleShot(int(quit_after * 1000), shown_then_quit)
    return app.exec()
