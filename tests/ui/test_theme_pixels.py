"""Every theme draws in its own colours (issue #20), measured on the pixels of rendered widgets
(``widget.grab().toImage()``): an unticked box, the player's icons and the Results chart reach
3:1 against what is behind them (WCAG 1.4.11), the selected row's text 4.5:1 on its highlight,
in the light, dark and high-contrast themes; and the chart is painted in the theme's colours,
not a white picture on a dark screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QCheckBox

from tests.ui.test_contrast import luminance, ratio
from ui.app.main_window import RESULTS, SCORING

R = QPalette.ColorRole


def pixels(widget, box=None) -> list[QColor]:
    image = widget.grab().toImage()
    x0, y0, x1, y1 = box or (0, 0, image.width(), image.height())
    return [image.pixelColor(x, y) for x in range(x0, x1) for y in range(y0, y1)]


def best(colours: list[QColor], behind: QColor) -> float:
    return max(ratio(c, behind) for c in colours)


def test_an_unticked_box_is_seen(themed, qtbot, make_window):
    window = make_window()
    box = window.scoring.only_incomplete
    assert isinstance(box, QCheckBox) and not box.isChecked()
    window.show_tab(SCORING)
    qtbot.wait(50)
    height = box.height()
    behind = box.palette().color(R.Window)
    assert best(pixels(box, (0, 0, height, height)), behind) >= 3.0, themed


def test_the_player_icons_are_seen(themed, qtbot, make_window):
    window = make_window(to_score=True)
    window.show_tab(SCORING)
    qtbot.waitUntil(window.scoring.player.play_button.isEnabled, timeout=5000)
    for button in (window.scoring.player.play_button, window.scoring.player.back_button):
        image = button.grab().toImage()
        w, h = image.width(), image.height()
        behind = image.pixelColor(w // 2, 2)              # the button's face, above the icon
        icon = pixels(button, (w // 4, h // 4, 3 * w // 4, 3 * h // 4))
        assert best(icon, behind) >= 3.0, (themed, button.accessibleName())


def test_the_selected_row_is_readable(themed, qtbot, make_window):
    window = make_window()
    window.show_tab(RESULTS)
    view = window.results.table
    view.setFocus()
    index = view.model().index(1, 1)
    view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.wait(50)
    rect = view.visualRect(index)
    image = view.viewport().grab().toImage()
    background = image.pixelColor(rect.left() + 2, rect.top() + 2)
    text = view.palette().color(R.HighlightedText)
    assert ratio(text, background) >= 4.5, (themed, background.name())


def test_the_chart_is_painted_in_the_theme(themed, qtbot, make_window):
    window = make_window()
    window.show_tab(RESULTS)
    qtbot.wait(300)
    chart = window.results.chart
    assert chart.bars
    colours = pixels(chart)
    base = chart.palette().color(R.Base)
    window_colour = chart.palette().color(R.Window)
    behind = max(set(c.rgb() for c in colours), key=[c.rgb() for c in colours].count)
    behind = QColor.fromRgb(behind)
    assert min(ratio(behind, base), ratio(behind, window_colour)) < 1.2, themed   # its own
    assert best(colours, behind) >= 3.0                                           # bars seen
    if themed != "light":
        assert luminance(behind) < 0.2


@pytest.mark.parametrize("name", ["light"])
def test_the_light_highlight_was_too_pale(name):
    from PySide6.QtWidgets import QStyleFactory

    from ui.app.themes import light_palette

    fusion = QStyleFactory.create("Fusion").standardPalette()
    assert ratio(fusion.color(R.Highlight), fusion.color(R.HighlightedText)) < 4.5   # 3.69
    fixed = light_palette()
    assert ratio(fixed.color(R.Highlight), fixed.color(R.HighlightedText)) >= 4.5


def test_the_trend_chart_is_drawn_in_the_theme(themed, qtbot, make_window):
    from PySide6.QtCore import Qt

    window = make_window()
    window.show_tab(3)
    model = window.compare.audits_model
    for row in range(model.rowCount()):
        model.setData(model.index(row, 0), Qt.CheckState.Checked.value,
                      Qt.ItemDataRole.CheckStateRole)
    qtbot.wait(200)
    image = window.compare.chart.pixmap().toImage()
    assert not image.isNull()
    colours = [image.pixelColor(x, y).rgb() for x in range(0, image.width(), 3)
               for y in range(0, image.height(), 3)]
    behind = QColor.fromRgb(max(set(colours), key=colours.count))
    base = window.compare.palette().color(R.Base)
    assert ratio(behind, base) < 1.2, (themed, behind.name(), base.name())
    assert best([QColor.fromRgb(c) for c in set(colours)], behind) >= 3.0
