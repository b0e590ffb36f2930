"""The desktop app's own entry point: ``python -m ui``, the ``reviewer-gui`` command and the
packaged (PyInstaller) program. ``reviewer gui`` reaches it through the ``reviewer-gui`` entry
point, so the core never imports ui."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="reviewer-gui", description="Open the reviewer desktop app.")
    p.add_argument("--db", help="database file path or SQLAlchemy URL (default: REVIEWER_DB, "
                                "else reviewer.db in the user's data folder)")
    p.add_argument("--reviewer", help="who is answering (default: REVIEWER_NAME, else the "
                                      "operating-system user)")
    p.add_argument("--demo", action="store_true",
                   help="create the demo audits if missing (100 scored records, and 20 "
                        "partly unscored to practise on)")
    p.add_argument("--quit-after", type=float, metavar="SECONDS",
                   help="close the window after SECONDS (to check that the app starts)")
    return p


def _no_display() -> str | None:
    """Where X11 or Wayland would show the window and neither is there (an SSH session, a
    server), the one line that says so: Qt itself would abort the process with a paragraph
    about platform plugins. ``QT_QPA_PLATFORM`` (offscreen, xcb, ...) is taken as given."""
    import os

    if sys.platform in ("win32", "darwin") or any(
            os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return None
    return ("no display to open the app on (DISPLAY and WAYLAND_DISPLAY are not set): start it "
            "in a desktop session, or on a virtual screen with xvfb-run (README: Screenshots)")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from reviewer.errors import ReviewerError
    from reviewer.paths import database_target, reviewer_name
    from reviewer.settings import check_environment
    from reviewer.text import printable

    problem = _no_display()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    try:                # a bad setting or name: one line, as the reviewer command says it
        check_environment()
        target, name = database_target(args.db), reviewer_name(args.reviewer)
    except ReviewerError as exc:
        print(printable(" ".join(exc.problems)), file=sys.stderr)
        return exc.exit_status

    from ui.app.start import run

    return run(target, name, demo=args.demo,
               quit_after=args.quit_after)


if __name__ == "__main__":
    sys.exit(main())
