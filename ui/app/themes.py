"""Palettes to check and show the app in themes other than the default: dark and high contrast.

The app follows the system's palette (a user's dark or high-contrast Windows theme reaches Qt
as a QPalette); these stand in for such themes in the contrast tests and the screenshots
(``scripts/screenshots.py``). ``REVIEWER_THEME=dark`` (or ``high-contrast``) applies one at
start, for machines whose desktop has no dark theme."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

R = QPalette.ColorRole


def _palette(colours: dict[QPalette.ColorRole, str]) -> QPalette:
    pal = QPalette()
    for role, colour in colours.items():
        pal.setColor(role, QColor(colour))
    for role in (R.WindowText, R.Text, R.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(colours[R.PlaceholderText]))
    return pal


def light_palette() -> QPalette:
    return QStyleFactory.create("Fusion").standardPalette()


def dark_palette() -> QPalette:
    return _palette({
        R.Window: "#2b2b2b", R.WindowText: "#eeeeee", R.Base: "#1e1e1e",
        R.AlternateBase: "#2f3338", R.Text: "#eeeeee", R.Button: "#3a3a3a",
        R.ButtonText: "#eeeeee", R.BrightText: "#ffffff", R.Highlight: "#3d8ee6",
        R.HighlightedText: "#000000", R.ToolTipBase: "#3a3a3a", R.ToolTipText: "#eeeeee",
        R.PlaceholderText: "#9a9a9a", R.Link: "#8ab4f8", R.LinkVisited: "#c58af9",
        R.Light: "#505050", R.Midlight: "#404040", R.Mid: "#303030", R.Dark: "#202020",
        R.Shadow: "#000000"})


def high_contrast_palette() -> QPalette:
    """Like Windows' "High Contrast Black": white on black, cyan selection."""
    return _palette({
        R.Window: "#000000", R.WindowText: "#ffffff", R.Base: "#000000",
        R.AlternateBase: "#000000", R.Text: "#ffffff", R.Button: "#000000",
        R.ButtonText: "#ffffff", R.BrightText: "#ffffff", R.Highlight: "#1aebff",
        R.HighlightedText: "#000000", R.ToolTipBase: "#000000", R.ToolTipText: "#ffffff",
        R.PlaceholderText: "#c0c0c0", R.Link: "#ffff00", R.LinkVisited: "#ffff00",
        R.Light: "#ffffff", R.Midlight: "#c0c0c0", R.Mid: "#808080", R.Dark: "#ffffff",
        R.Shadow: "#ffffff"})


THEMES = {"light": light_palette, "dark": dark_palette, "high-contrast": high_contrast_palette}


def apply(app: QApplication, name: str) -> None:
    """Fusion style with the named palette."""
    app.setStyle("Fusion")
    app.setPalette(THEMES[name]())


def apply_from_environment(app: QApplication) -> None:
    from reviewer.settings import theme

    name = theme()                  # checked at start-up (ui.__main__): a bad one never gets here
    if name in THEMES:
        apply(app, name)
