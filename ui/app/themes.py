"""Palettes to check and show the app in themes other than the default: dark and high contrast.

The app follows the system's palette (a user's dark or high-contrast Windows theme reaches Qt
as a QPalette); these stand in for such themes in the contrast tests and the screenshots
(``scripts/screenshots.py``). ``REVIEWER_THEME=dark`` (or ``high-contrast``) applies one at
start, for machines whose desktop has no dark theme."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory

from ui.app.colours import AA, contrast, readable

R = QPalette.ColorRole


def _palette(colours: dict[QPalette.ColorRole, str]) -> QPalette:
    pal = QPalette()
    for role, colour in colours.items():
        pal.setColor(role, QColor(colour))
    for role in (R.WindowText, R.Text, R.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(colours[R.PlaceholderText]))
    return pal


def light_palette() -> QPalette:
    return readable_selection(QStyleFactory.create("Fusion").standardPalette())


def readable_selection(pal: QPalette) -> QPalette:
    """The selected row's text readable on its highlight (4.5:1; Fusion's light palette has
    white on #308cc6, 3.69:1): the highlight is darkened or lightened just enough."""
    text, back = pal.color(R.HighlightedText), pal.color(R.Highlight)
    if contrast(text, back) < AA:
        pal.setColor(R.Highlight, readable(back, text))
    return pal


class ReadableStyle(QProxyStyle):
    """The style in use, with every tick box outlined in the palette's text colour: Fusion draws
    an unticked box at about 2:1 against its background (invisible in the dark theme), and a
    graphic needs 3:1 (WCAG 1.4.11)."""

    BOXES = (QStyle.PrimitiveElement.PE_IndicatorCheckBox,
             QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck)

    def drawPrimitive(self, element, option, painter, widget=None) -> None:  # noqa: N802
        super().drawPrimitive(element, option, painter, widget)
        if element in self.BOXES:
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(option.palette.color(R.Text), 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(option.rect).adjusted(1, 1, -1, -1))
            painter.restore()


def make_readable(app: QApplication) -> None:
    """Tick boxes outlined and the selection readable in whatever theme the app has (the
    system's, or one of these); done once the palette is set, before the window is built."""
    if not isinstance(app.style(), ReadableStyle):
        app.setStyle(ReadableStyle(app.style().name()))
    pal = app.palette()
    if contrast(pal.color(R.HighlightedText), pal.color(R.Highlight)) < AA:
        app.setPalette(readable_selection(pal))


def icon_in(icon: QIcon, colour: QColor, size: int) -> QIcon:
    """``icon``'s shape in ``colour`` (the style's media icons are black whatever the theme)."""
    shape = icon.pixmap(size, size)
    tinted = QPixmap(shape.size())
    tinted.setDevicePixelRatio(shape.devicePixelRatio())
    tinted.fill(Qt.GlobalColor.transparent)
    painter = QPainter(tinted)
    painter.drawPixmap(0, 0, shape)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(tinted.rect(), colour)
    painter.end()
    return QIcon(tinted)


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
    app.setStyle(ReadableStyle("Fusion"))
    app.setPalette(THEMES[name]())


def apply_from_environment(app: QApplication) -> None:
    from reviewer.settings import theme

    name = theme()                  # checked at start-up (ui.__main__): a bad one never gets here
    if name in THEMES:
        apply(app, name)
