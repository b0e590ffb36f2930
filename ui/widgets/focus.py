"""No keyboard trap (WCAG 2.1.2): Tab and Shift+Tab move between controls, never between the
cells of a table or into a text box's tab stops; the arrow keys move between cells.

``untrap`` is applied to every window and dialog the app builds (the main window, its screens,
its dialogs); ``tests/ui/test_focus_chain.py`` walks every focus chain with real Tab presses.
See docs/keyboard.md."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QPlainTextEdit, QTextEdit, QWidget


def untrap(root: QWidget) -> QWidget:
    """Make Tab leave every item view and text box inside ``root`` (and ``root`` itself)."""
    for w in [root, *root.findChildren(QWidget)]:
        if isinstance(w, QAbstractItemView):
            w.setTabKeyNavigation(False)
        elif isinstance(w, (QPlainTextEdit, QTextEdit)):
            w.setTabChangesFocus(True)
    return root
