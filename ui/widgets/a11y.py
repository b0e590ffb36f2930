"""Accessibility helpers: names that screen readers read, labels tied to their fields (buddies,
which also make a label's Alt+letter work), and the mnemonics a window uses.

Every interactive control has a name: its own text (buttons, check boxes), a label whose buddy
it is, or an accessible name set here (icon-only buttons, tables, lists). ``tests/ui`` walks
every screen and dialog and fails on a control without one."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel, QWidget

_MNEMONIC = re.compile(r"&(?!&)(\w)")


def named(widget: QWidget, name: str, description: str = "") -> QWidget:
    """Set the name (and description) a screen reader reads for ``widget``."""
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def buddy(text: str, widget: QWidget, word_wrap: bool = False) -> QLabel:
    """A label for ``widget``: read by screen readers as its name, Alt+letter moves to it."""
    label = QLabel(text)
    label.setBuddy(widget)
    label.setWordWrap(word_wrap)
    return label


def mnemonic(text: str) -> str | None:
    """The Alt+letter of a control's text ("&File:" → "f"), lower case, or None."""
    found = _MNEMONIC.search(text or "")
    return found.group(1).casefold() if found else None
