"""Call listening on the scoring screen (issue #5): the player under the record, its keys,
timestamps in notes, and "Link recordings…".

``CallListening(screen)`` puts a ``CallPlayer`` into ``screen.record_panel.extra``, a line of
clickable note timestamps under the note editor, and the player's actions (built from the
shortcut table, as the screen builds its own) onto the screen, so they work while the questions
table has focus. The player follows ``screen.record_opened``: a new record loads its recording,
stopped at 0:00; re-showing the same record after an answer is saved leaves playback alone."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QLabel, QMessageBox, QToolButton

from reviewer.files.recordings import (
    LinkResult,
    last_timestamp,
    recording_path,
    timestamp,
    timestamps,
)
from reviewer.ops.sampling import link_recordings
from ui.app.shortcuts import keys
from ui.dialogs import file_dialogs
from ui.widgets.player import SKIP_MS, CallPlayer

HINT = ("<i>T puts the playing time into the note; click a time (or Ctrl+T for the last one) "
        "to hear it again.</i>")


def note_html(note: str) -> str:
    """The note as rich text, each timestamp a link ``t:<seconds>``."""
    found = timestamps(note)
    if not found:
        return HINT
    parts, at = [], 0
    for start, end, ms in found:
        parts.append(escape(note[at:start]))
        parts.append(f"<a href='t:{ms // 1000}'>{escape(note[start:end])}</a>")
        at = end
    parts.append(escape(note[at:]))
    return "Times in this note: " + "".join(parts)


class CallListening(QObject):
    def __init__(self, screen):
        super().__init__(screen)
        self.screen = screen
        self.record_id: int | None = None
        self.last_result: LinkResult | None = None
        self.player = CallPlayer()
        screen.record_panel.extra.addWidget(self.player)
        self.link_action = QAction("Link recordings…", screen)
        self.link_action.setToolTip("Attach a folder of call recordings named by ref "
                                    "(INC-123.wav → record INC-123)")
        self.link_action.triggered.connect(self.link_dialog)
        link_button = QToolButton()
        link_button.setDefaultAction(self.link_action)
        link_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.player.head.addWidget(link_button)

        self.note_links = QLabel(HINT)
        self.note_links.setObjectName("noteTimestamps")
        self.note_links.setTextFormat(Qt.TextFormat.RichText)
        self.note_links.setWordWrap(True)
        self.note_links.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.note_links.linkActivated.connect(self.open_link)
        note_layout = screen.note_edit.parentWidget().layout()
        note_layout.insertWidget(note_layout.indexOf(screen.note_edit) + 1, self.note_links)
        screen.note_edit.textChanged.connect(self._note_changed)

        handlers = {
            "play_pause": self.player.toggle,
            "skip_back": lambda: self.player.skip(-SKIP_MS),
            "skip_forward": lambda: self.player.skip(SKIP_MS),
            "slower": lambda: self.player.step_rate(-1),
            "faster": lambda: self.player.step_rate(1),
            "insert_timestamp": self.insert_timestamp,
            "seek_last_timestamp": self.seek_last_timestamp,
        }
        for name, fn in handlers.items():
            screen.add_key_action(name, fn, keys(name))
        screen.record_opened.connect(self.on_record_opened)
        screen.session.audit_opened.connect(self._follow_screen)
        screen.session.operation_did_execute.connect(self._follow_operation)
        self._follow_screen()

    # -- following the scoring screen -----------------------------------------------------------
    def on_record_opened(self, record_id: int | None) -> None:
        path = recording_path(self.screen.view)
        if record_id is not None and record_id == self.record_id and path == self.player.path:
            return   # the same record re-shown after a save: keep playing
        self.record_id = record_id
        self.player.load(path)
        self.note_links.setVisible(path is not None)

    def _follow_screen(self) -> None:
        """After the screen has (re)opened its record, or found none to open."""
        self.on_record_opened(self.screen.view.id if self.screen.view else None)

    def _follow_operation(self, changes, _initiator) -> None:
        if changes.records:      # a recording may have been linked to the open record
            self._follow_screen()

    def _note_changed(self, text: str) -> None:
        self.note_links.setText(note_html(text))

    # -- timestamps -----------------------------------------------------------------------------
    def insert_timestamp(self) -> None:
        s = self.screen
        if s.view is None or s.current_question() is None:
            return
        if not self.player.playable():
            s.session_message("No playable recording to take the time from.")
            return
        stamp = timestamp(self.player.position())
        text = s.note_edit.text().rstrip()
        s.note_edit.setText(f"{text} {stamp}" if text else stamp)
        s.save_note()

    def seek_last_timestamp(self) -> None:
        ms = last_timestamp(self.screen.note_edit.text())
        if ms is None:
            self.screen.session_message("No [mm:ss] time in this note.")
            return
        self.play_from(ms)

    def open_link(self, href: str) -> None:
        if href.startswith("t:") and href[2:].isdigit():
            self.play_from(int(href[2:]) * 1000)

    def play_from(self, ms: int) -> None:
        """Seek to a note's time and play from there."""
        if not self.player.playable():
            self.screen.session_message("No playable recording for this record.")
            return
        self.player.seek(ms)
        if self.player.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState:
            self.player.player.play()

    # -- linking --------------------------------------------------------------------------------
    def link_dialog(self) -> None:
        s = self.screen
        if s.session.audit is None:
            QMessageBox.information(s, "No audit open", "Open an audit first, then link its "
                                    "call recordings.")
            return
        folder = file_dialogs.choose_folder(
            s, "recordings", "Link recordings: the folder of call recordings named by ref")
        if folder and self.link_folder(folder) is not None:
            QMessageBox.information(s, "Link recordings", self.last_result.summary())

    def link_folder(self, folder: str | Path) -> LinkResult | None:
        """Link the folder's recordings to the open audit; reload the current record."""
        s = self.screen
        audit_id = s.session.audit.id
        done = s.session.run(lambda ws, _p: link_recordings(ws, audit_id, folder), s,
                             "Linking recordings…", background=True)
        if done is None:
            return None
        self.last_result = done.value
        s.session_message(done.message)
        return done.value
