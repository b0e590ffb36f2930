"""Colours from the palette, readable in light, dark and high-contrast themes (WCAG 2.1 AA).

Nothing in the app paints a fixed light background under the palette's text. Where a colour
carries meaning (complete / to do, improved / worse, not asked, an unanswered question) it is
derived from the palette in use: a hue is darkened on a light base and lightened on a dark one
until its contrast with the background reaches :data:`AA` (4.5:1, WCAG's relative-luminance
formula), and a tinted background is only as strong as the text on it can bear."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

AA = 4.5
HUES = {"good": "#1b7f3b", "warn": "#9a6700", "bad": "#b00020"}
ERROR_BACKGROUND, ERROR_TEXT = QColor("#b00020"), QColor("#ffffff")   # 7.9:1, any theme


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: QColor) -> float:
    """WCAG 2.1 relative luminance, 0 (black) to 1 (white)."""
    r, g, b = (_channel(x) for x in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved ``amount`` (0..1) of the way towards ``b``."""
    return QColor.fromRgbF(*(x + (y - x) * amount for x, y in zip(
        (a.redF(), a.greenF(), a.blueF()), (b.redF(), b.greenF(), b.blueF()), strict=True)))


def readable(colour: QColor, background: QColor, minimum: float = AA + 0.1) -> QColor:
    """``colour`` darkened (on a light background) or lightened (on a dark one) just enough to
    reach ``minimum`` contrast with ``background`` (AA, with a little to spare)."""
    target = QColor("#000000") if luminance(background) > 0.18 else QColor("#ffffff")
    for step in range(21):
        candidate = mix(colour, target, step / 20)
        if contrast(candidate, background) >= minimum:
            return candidate
    return target


def palette() -> QPalette:
    return QGuiApplication.palette()


def status(kind: str, background: QColor | None = None) -> QColor:
    """The text colour of a status ("good", "warn", "bad", or "muted": secondary text) on the
    palette's base (or on ``background``)."""
    pal = palette()
    bg = background if background is not None else pal.color(QPalette.ColorRole.Base)
    return QColor(_status(kind, bg.rgba(), pal.cacheKey()))


@lru_cache(maxsize=64)
def _status(kind: str, background: int, _palette_key: int) -> QColor:
    pal, bg = palette(), QColor.fromRgba(background)
    if kind == "muted":
        return readable(mix(pal.color(QPalette.ColorRole.Text), bg, 0.45), bg)
    return readable(QColor(HUES[kind]), bg)


def tinted(hue: str | QColor, strength: float = 0.22) -> QColor:
    """A background tinted towards ``hue`` (a status name or a colour) that the palette's text
    stays readable on."""
    colour = QColor(HUES.get(hue, hue)) if isinstance(hue, str) else hue
    return QColor(_tinted(colour.rgba(), strength, palette().cacheKey()))


@lru_cache(maxsize=64)
def _tinted(colour: int, strength: float, _palette_key: int) -> QColor:
    pal = palette()
    base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
    amount = strength
    while amount > 0:
        candidate = mix(base, QColor.fromRgba(colour), amount)
        if contrast(text, candidate) >= AA:
            return candidate
        amount -= 0.02
    return base


def section_background() -> QColor:
    """The background of a section heading row in a table: the base tinted towards the
    palette's highlight, as far as its text stays readable."""
    return tinted(palette().color(QPalette.ColorRole.Highlight), 0.18)


def bold_font() -> QFont:
    """The application font in bold (model FontRole)."""
    font = QFont(QGuiApplication.font())
    font.setBold(True)
    return font


def set_colours(widget, text: QColor, background: QColor | None = None) -> None:
    """Give a widget its own text (and background) colour through its palette, not a style
    sheet, so the rest of the widget keeps following the theme."""
    pal = widget.palette()
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        pal.setColor(role, text)
    if background is not None:
        pal.setColor(QPalette.ColorRole.Window, background)
        widget.setAutoFillBackground(True)
    widget.setPalette(pal)


def emphasise(widget, scale: float = 1.0) -> None:
    """Bold, and ``scale`` times the widget's font size (follows the system font size)."""
    font = widget.font()
    font.setBold(True)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    widget.setFont(font)
