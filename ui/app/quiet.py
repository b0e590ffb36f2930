"""A quiet terminal: Qt multimedia's start-up lines (missing PipeWire or VA-API libraries, the
FFmpeg version) and FFmpeg's own "Input #0 …" dump of every recording loaded are switched off.

FFmpeg logs through Qt's ``qt.multimedia.ffmpeg`` category (Qt sets FFmpeg's log level from it),
so logging rules are enough for both; they must be set before ``PySide6.QtMultimedia`` is
imported, which is why ``ui/__init__.py`` calls :func:`quiet_media_logs`. The PulseAudio client
says "pa_context_connect() failed" in Qt's default category on a machine without a sound server:
that one line is dropped by a message handler, and so is "No audio device detected", which Qt
prints on every play on a machine without a sound card (the time still runs, so notes can be
timed); every other message is printed as Qt would.

Rules given in ``QT_LOGGING_RULES`` (or a qtlogging.ini) take precedence over these, so
``QT_LOGGING_RULES="qt.multimedia*=true"`` brings the lines back when audio needs debugging.

The handler is Python, so Qt's own threads (the player's audio thread) need Python's lock to
print: never wait for one of them while holding it
(docs/platform.md, "The player and Python's lock")."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLoggingCategory, QtMsgType, qFormatLogMessage, qInstallMessageHandler

RULES = ("qt.multimedia*.debug=false", "qt.multimedia*.info=false",
         "qt.multimedia*.warning=false")
DROPPED_PREFIXES = ("PulseAudioService:", "No audio device detected")

_installed = False


def is_noise(category: str, message: str) -> bool:
    """Whether a Qt message is the audio stack's chatter rather than something to read."""
    return category.startswith("qt.multimedia") or (
        category == "default" and message.startswith(DROPPED_PREFIXES))


def _handler(mode: QtMsgType, context, message: str) -> None:
    if mode not in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg) and is_noise(
            context.category or "", message):
        return
    if sys.stderr is not None:      # the packaged program on Windows has no console
        sys.stderr.write(qFormatLogMessage(mode, context, message) + "\n")


def quiet_media_logs() -> None:
    """Switch the audio stack's log lines off (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    QLoggingCategory.setFilterRules("\n".join(RULES))
    qInstallMessageHandler(_handler)
