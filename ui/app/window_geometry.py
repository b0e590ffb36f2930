"""Where the main window opens: inside the screen's available area (a 1366×768 laptop, 1080p at
150% scaling = 1280×720 logical, a 4K monitor), never larger than it, so the status bar — where
undo, import and export confirmations appear — is always on screen. The size and position the
user left it at are remembered (QSettings) and used again only if they fit the current screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSettings, QSize, Qt
from PySide6.QtWidgets import QScrollArea, QWidget

PREFERRED = QSize(1440, 900)      # roomy, where the screen allows it
SHARE = 0.9                       # of the available area, at most
FRAME = (8, 40, 8, 8)             # room left for a title bar and borders: left, top, right, bottom
KEY, MAXIMISED = "window/geometry", "window/maximised"


def initial_geometry(available: QRect, preferred: QSize = PREFERRED) -> QRect:
    """The window's client area on first start: the preferred size, or less so that with its
    title bar and borders it takes at most 90% of the available area; centred in it."""
    left, top, right, bottom = FRAME
    width = min(preferred.width(), int(available.width() * SHARE) - left - right)
    height = min(preferred.height(), int(available.height() * SHARE) - top - bottom)
    frame = QRect(0, 0, width + left + right, height + top + bottom)
    frame.moveCenter(available.center())
    return frame.adjusted(left, top, -right, -bottom)


def fits(rect: QRect, available: QRect) -> bool:
    """Whether a client area, with its title bar and borders, lies inside the available area."""
    left, top, right, bottom = FRAME
    return rect.isValid() and available.contains(rect.adjusted(-left, -top, right, bottom))


def chosen_geometry(saved: QRect | None, available: QRect) -> QRect:
    """The remembered geometry when it still fits this screen, else the initial one."""
    if saved is not None and fits(saved, available):
        return saved
    return initial_geometry(available)


def _saved(settings: QSettings) -> QRect | None:
    value = settings.value(KEY)
    return value if isinstance(value, QRect) and value.isValid() else None


def place(window: QWidget) -> bool:
    """Size and place ``window`` on its screen; True when it should open maximised."""
    screen = window.screen()
    available = screen.availableGeometry()
    settings = QSettings()
    rect = chosen_geometry(_saved(settings), available)
    window.setGeometry(rect)
    return str(settings.value(MAXIMISED, "false")).lower() == "true"


def remember(window: QWidget) -> None:
    """Keep the window's normal (not maximised) geometry for the next start."""
    settings = QSettings()
    settings.setValue(KEY, window.normalGeometry())
    settings.setValue(MAXIMISED, window.isMaximized())


def fit_to_screen(widget: QWidget, preferred: QSize) -> None:
    """Size a dialog: at least what its layout needs (which grows with the font), ``preferred``
    where there is room, never more than 90% of its screen's available area."""
    screen = widget.screen() if widget.parentWidget() is None else widget.parentWidget().screen()
    available = screen.availableGeometry()
    hint = widget.sizeHint().expandedTo(widget.minimumSizeHint())
    width = min(max(preferred.width(), hint.width()), int(available.width() * SHARE))
    height = min(max(preferred.height(), hint.height()), int(available.height() * SHARE))
    widget.resize(width, height)


def scrolling_page(page: QWidget) -> QScrollArea:
    """``page`` in a frameless scroll area: on a screen smaller than the page needs (a laptop at
    Qt's 2× scaling: 640×360 logical pixels) the page scrolls and the window still fits the
    screen; wherever it fits, the page fills the area exactly as without it."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    scroll.setWidget(page)
    return scroll
