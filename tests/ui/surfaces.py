"""Every screen and dialog of the app, opened for real (offscreen), for the accessibility, font
and mnemonic tests to walk: the main window's tabs, the app's own dialogs, and the input dialogs
it opens with QInputDialog (message boxes and Qt's file dialogs are left out)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAccessible, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QGroupBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenuBar,
    QPlainTextEdit,
    QScrollArea,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

from ui.dialogs import audit_actions
from ui.dialogs.calibration import CalibrationDialog
from ui.dialogs.help import HelpOverlay
from ui.dialogs.new_audit import NewAuditDialog
from ui.dialogs.sample import SampleDialog
from ui.widgets.a11y import mnemonic

INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView,
               QAbstractSlider, QTabBar, QPlainTextEdit, QTextEdit, QMenuBar)


def internal(w: QWidget) -> bool:
    """Parts of a compound control that Qt names itself (a combo's or spin box's line edit,
    a table's corner button, a tab bar's scroll arrows, scroll bars, headers)."""
    if isinstance(w, (QScrollBar, QHeaderView)):
        return True
    if isinstance(w.parentWidget(), (QAbstractItemView, QTabBar)):
        return True
    parent = w.parentWidget()
    while parent is not None:          # a combo's popup list and line edit, a spin box's edit
        if isinstance(parent, (QComboBox, QAbstractSpinBox)):
            return True
        parent = parent.parentWidget()
    return False


def controls(root: QWidget) -> Iterator[QWidget]:
    """The interactive controls in ``root`` (a focusable scroll area counts as one)."""
    for w in root.findChildren(QWidget):
        if internal(w):
            continue
        if isinstance(w, INTERACTIVE):
            yield w
        elif isinstance(w, QScrollArea) and w.focusPolicy().value != 0:
            yield w


def spoken_name(w: QWidget) -> str:
    """What a screen reader reads as the control's name: its accessible name, else the text of
    the label whose buddy it is, else its own text (Qt's accessibility interface decides)."""
    iface = QAccessible.queryAccessibleInterface(w)
    return (iface.text(QAccessible.Text.Name) if iface is not None else "") or ""


def describe(w: QWidget) -> str:
    return f"{type(w).__name__} {w.objectName() or ''} in {type(w.window()).__name__}".strip()


def unnamed(root: QWidget) -> list[str]:
    return [describe(w) for w in controls(root) if not spoken_name(w).strip()]


def literal_ampersands(root: QWidget) -> list[str]:
    """Labels that would show an "&X" on screen (a mnemonic without a buddy, or in rich text)."""
    found = []
    for label in root.findChildren(QLabel):
        text = label.text()
        if not text:
            continue
        if label.textFormat().name == "RichText" or (
                label.textFormat().name == "AutoText" and "<" in text and re.search(
                    r"<\w+[^>]*>", text)):
            doc = QTextDocument()
            doc.setHtml(text)
            if re.search(r"&\w", doc.toPlainText()):
                found.append(f"{text!r} (rich text)")
        elif label.buddy() is None and re.search(r"&(?!&)\w", text):
            found.append(f"{text!r} (no buddy)")
    return found


def mnemonic_texts(root: QWidget) -> list[str]:
    """The texts in ``root`` that carry an Alt+letter: buttons, labels with buddies, groups."""
    texts = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QAbstractButton) and not internal(w):
            texts.append(w.text())
        elif isinstance(w, QLabel) and w.buddy() is not None:
            texts.append(w.text())
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
    return texts


def clashes(texts: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    out = []
    for text in texts:
        key = mnemonic(text)
        if key is None:
            continue
        if key in seen:
            out.append(f"Alt+{key.upper()}: {seen[key]!r} and {text!r}")
        seen[key] = text
    return out


# -- the dialogs ----------------------------------------------------------------------------------
def app_dialogs(window) -> dict[str, Callable[[], QDialog]]:
    """The app's own dialogs, each made as its menu item makes it (open audit needed)."""
    s = window.session
    return {
        "new audit": lambda: NewAuditDialog(s, window),
        "sample": lambda: SampleDialog(s, window),
        "calibration": lambda: CalibrationDialog(s, window),
        "help": lambda: HelpOverlay(window),
    }


def input_dialogs(window) -> dict[str, Callable[[], object]]:
    """The actions that open a QInputDialog, to be caught while open (``while_open``)."""
    return {
        "preferences": window.preferences,
        "rename": window.audits.rename,
        "assign": lambda: audit_actions.assign(window, window.session),
    }


def while_open(qtbot, action: Callable[[], object], visit: Callable[[QDialog], None]) -> None:
    """Run ``action`` (which opens a modal dialog), call ``visit`` on the dialog, close it."""
    seen: list[QDialog] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QInputDialog) or isinstance(dialog, QDialog):
            visit(dialog)
            seen.append(dialog)
            dialog.reject()
        else:
            QTimer.singleShot(30, poll)

    QTimer.singleShot(30, poll)
    action()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
