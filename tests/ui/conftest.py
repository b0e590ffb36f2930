"""UI fixtures: the real main window on a real SQLite file, settings kept in tmp_path."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp):
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    qapp.setOrganizationName("reviewer-tests")
    qapp.setApplicationName("reviewer-tests")
    yield


@pytest.fixture()
def make_window(qtbot, tmp_path):
    from ui.app.start import create_window

    def make(demo: bool = True, name: str = "ui.db", to_score: bool = False):
        window = create_window(str(tmp_path / name), "tester", demo_audit=demo,
                               to_score=to_score)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=3000)
        return window

    return make


@pytest.fixture(params=["light", "dark", "high-contrast"])
def themed(request, qapp):
    """Each of the app's themes in turn (tests/ui/test_contrast.py, test_theme_pixels.py)."""
    from ui.app import themes

    style, palette = qapp.style().name(), qapp.palette()
    themes.apply(qapp, request.param)
    yield request.param
    qapp.setStyle(style)
    qapp.setPalette(palette)
