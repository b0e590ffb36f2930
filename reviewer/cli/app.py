"""``reviewer gui`` (the desktop app) and ``reviewer demo`` (the demo audit and its files).

The desktop app is reached through the ``reviewer-gui`` entry point that the installed package
declares (``ui.__main__:main``): the core names no ui module, and never imports Qt itself.
"""

from __future__ import annotations

import argparse
import sys

from reviewer.cli.common import command, open_ws
from reviewer.errors import ReviewerError

GUI_ENTRY_POINT = "reviewer-gui"


def add_commands(sub, groups: dict) -> None:
    g = sub.add_parser("gui", help="open the desktop app")
    g.add_argument("--demo", action="store_true", help="create the demo audits if missing")
    g.add_argument("--quit-after", type=float, metavar="SECONDS",
                   help="close the window after SECONDS (to check that the app starts)")
    g.set_defaults(func="gui")
    d = sub.add_parser("demo", help="create the demo audits in the database (100 scored "
                                    "records, and 20 partly unscored to practise on)")
    d.add_argument("--files", action="store_true",
                   help="only print the bundled demo answer table and its audio folder")
    d.set_defaults(func="demo")


def gui_main():
    """The desktop app's ``main(argv)``, found by its entry point."""
    from importlib.metadata import entry_points

    found = entry_points(group="console_scripts", name=GUI_ENTRY_POINT)
    if not found:
        raise ReviewerError(f"the desktop app is not installed (no {GUI_ENTRY_POINT} entry "
                            "point): install the reviewer package, e.g. pip install .")
    try:
        return next(iter(found)).load()
    except ImportError as exc:
        raise ReviewerError(f"the desktop app cannot start: {exc}") from None


@command("gui")
def _gui(args: argparse.Namespace) -> int:
    import os

    from reviewer.paths import database_target, reviewer_name

    if args.allow_network_drive:
        os.environ["REVIEWER_ALLOW_NETWORK_DRIVE"] = "1"
    argv = ["--db", database_target(args.db), "--reviewer", reviewer_name(args.reviewer)]
    if args.demo:
        argv.append("--demo")
    if args.quit_after is not None:
        argv += ["--quit-after", str(args.quit_after)]
    return gui_main()(argv)


@command("demo")
def _demo(args: argparse.Namespace) -> int:
    from reviewer.bundled import demo_audio_dir, demo_csv

    if args.files:
        print(demo_csv())
        print(demo_audio_dir())
        return 0
    from reviewer import demo

    ws = open_ws(args)
    audit, created = demo.ensure_demo(ws, to_score=False, monthly=True)
    what = "created" if created else "already there:"
    print(f"{what} the demo audit '{audit.name}' ({audit.records} records)", file=sys.stderr)
    practice, created = demo.ensure_to_score(ws)
    what = "created" if created else "already there:"
    print(f"{what} the demo audit '{practice.name}' ({practice.records} records, "
          f"{practice.complete} scored)", file=sys.stderr)
    return 0
