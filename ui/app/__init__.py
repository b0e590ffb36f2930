"""The app's plumbing: start-up (``start``), the main window, the session every screen shares
and its one operation runner (``session``, ``operations``), the shortcut table, colours and
themes, the error hook, warm-up and the quiet terminal. See docs/architecture.md."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # ``from ui.app import create_window`` keeps working without importing the whole app when
    # only a plumbing module (e.g. ``ui.app.quiet``) is wanted
    if name in ("create_window", "run"):
        from ui.app import start
        return getattr(start, name)
    raise AttributeError(name)
