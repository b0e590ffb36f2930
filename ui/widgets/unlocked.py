"""QMediaPlayer's play, pause, stop and setPosition called with Python's lock let go
(docs/platform.md, "The player and Python's lock").

Each of them may stop or delete the FFmpeg backend's objects, which waits for its audio thread
(a blocking call, or a lock that thread holds); that thread in turn may need Python's lock, to
print through the app's message handler or to ask the Python-made ``QAudioOutput`` whether
Python overrides a method. PySide keeps the lock through a plain ``player.stop()`` but lets it
go in ``QMetaObject.invokeMethod``, so calling the slot that way cannot deadlock."""

from __future__ import annotations

from PySide6.QtCore import Q_ARG, QMetaObject, Qt
from PySide6.QtMultimedia import QMediaPlayer

DIRECT = Qt.ConnectionType.DirectConnection


def play(player: QMediaPlayer) -> None:
    QMetaObject.invokeMethod(player, "play", DIRECT)


def pause(player: QMediaPlayer) -> None:
    QMetaObject.invokeMethod(player, "pause", DIRECT)


def stop(player: QMediaPlayer) -> None:
    QMetaObject.invokeMethod(player, "stop", DIRECT)


def set_position(player: QMediaPlayer, ms: int) -> None:
    QMetaObject.invokeMethod(player, "setPosition", DIRECT, Q_ARG("qint64", int(ms)))
