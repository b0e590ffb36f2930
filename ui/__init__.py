"""The PySide6 desktop app. Importing it keeps Qt multimedia's and FFmpeg's log lines out of the
terminal (``ui.app.quiet``): that has to happen before QtMultimedia is first imported."""

from ui.app.quiet import quiet_media_logs

quiet_media_logs()
