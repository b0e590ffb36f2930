"""Call listening on the scoring screen (issue #5, docs/listening.md): the player under the
record with the waveform, the transcript beside it, its keys, timestamps in notes, silence
skipping, "Link recordings…" and Ctrl+F search across the audit's transcripts.

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

from reviewer.errors import ReviewerError
from reviewer.files.recordings import (
    LinkResult,
    last_timestamp,
    recording_path,
    timestamp,
    timestamps,
)
from reviewer.files.transcripts import TRANSCRIPT_FIELD, problems
from reviewer.ops.listening import record_transcript
from reviewer.ops.sampling import link_recordings
from ui.app.profile_worker import ProfileWorker
from ui.app.shortcuts import keys
from ui.dialogs import file_dialogs
from ui.dialogs.transcript_search import TranscriptSearch
from ui.widgets.player import SKIP_MS, CallPlayer
from ui.widgets.transcript_panel import TranscriptPanel

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
        self.transcript = TranscriptPanel()      # under the record and its player, resizable
        screen.left_split.insertWidget(2, self.transcript)
        screen.left_split.setStretchFactor(2, 3)
        self.transcript.seek_requested.connect(self.play_from)
        self.transcript.leave.connect(screen.questions_view.setFocus)
        self.player.waveform.leave.connect(screen.questions_view.setFocus)
        self.player.player.positionChanged.connect(self.transcript.follow)
        self.profiles = ProfileWorker(self)
        self.profiles.ready.connect(self._profile_ready)
        self._pending_seek: int | None = None        # a search hit to play once loaded
        self._transcript_shown: str | None = None
        self.player.player.mediaStatusChanged.connect(self._seek_pending)
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
            "toggle_skip_silence": self.player.toggle_skip,
            "focus_waveform": self.player.waveform.setFocus,
            "focus_transcript": self.focus_transcript,
            "note_from_line": self.note_from_line,
            "search_transcripts": self.search_dialog,
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
        self._update_marks()
        if record_id is not None and record_id == self.record_id and path == self.player.path:
            self._show_transcript(only_if_changed=True)   # it may have been linked just now
            return   # the same record re-shown after a save: keep playing
        self.record_id = record_id
        self.player.load(path)
        self.note_links.setVisible(path is not None)
        if path is not None and path.is_file():
            self.profiles.request(path)
        elif path is not None:
            self.player.set_profile(None, "")
        self._show_transcript()

    def _profile_ready(self, key: str, profile, problem: str) -> None:
        if self.player.path is not None and str(self.player.path) == key:
            self.player.set_profile(profile, problem)
            if profile is not None and self.transcript.model.segments:
                self._show_transcript()        # now lines past the call's end can be told

    def _show_transcript(self, only_if_changed: bool = False) -> None:
        view = self.screen.view
        link = str(view.fields.get(TRANSCRIPT_FIELD) or "").strip() if view is not None else ""
        if only_if_changed and link == self._transcript_shown:
            return
        self._transcript_shown = link
        if view is None or not link:
            self.transcript.show_transcript(None, "")
            return
        try:
            found = record_transcript(self.screen.session.ws, view.id, view.fields)
        except ReviewerError as exc:
            self.transcript.show_transcript(None, " ".join(exc.problems))
            return
        if found is None:
            self.transcript.show_transcript(None, "")
            return
        t, name = found
        profile = self.player.profile
        notes = problems(name, t, profile.duration if profile else None)
        if self.player.path is None:
            notes.append("No recording: the transcript is here to read.")
        self.transcript.show_transcript(t, " ".join(notes))

    def _update_marks(self) -> None:
        view = self.screen.view
        marks = [] if view is None else [ms for qid in view.rows
                                         for _, _, ms in timestamps(view.note(qid))]
        self.player.waveform.set_marks(marks)

    def _follow_screen(self) -> None:
        """After the screen has (re)opened its record, or found none to open."""
        self.on_record_opened(self.screen.view.id if self.screen.view else None)

    def _follow_operation(self, changes, _initiator) -> None:
        if changes.records:      # a recording may have been linked to the open record
            self._follow_screen()

    def _note_changed(self, text: str) -> None:
        self.note_links.setText(note_html(text))
        self._update_marks()

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

    def note_from_line(self) -> None:
        """Put the transcript line under the cursor, with its time, into the answer's note."""
        s = self.screen
        line = self.transcript.current_segment()
        if s.view is None or s.current_question() is None or line is None:
            s.session_message("No transcript line to take a note from.")
            return
        quote = f"\u201c{line.text}\u201d {timestamp(int(line.start * 1000))}"
        text = s.note_edit.text().rstrip()
        s.note_edit.setText(f"{text} {quote}" if text else quote)
        s.save_note()

    def focus_transcript(self) -> None:
        if self.transcript.view.isVisible():
            self.transcript.view.setFocus()
            if not self.transcript.view.currentIndex().isValid() and self.transcript.model.segments:
                row = max(self.transcript.model.current, 0)
                self.transcript.view.selectRow(row)
        else:
            self.screen.session_message("No transcript for this record.")

    def search_dialog(self) -> TranscriptSearch | None:
        s = self.screen
        if s.session.audit is None:
            s.session_message("Open an audit first, then search its transcripts.")
            return None
        dialog = TranscriptSearch(s.session, s)
        dialog.open_hit.connect(self.open_hit)
        dialog.open()
        return dialog

    def open_hit(self, ref: str, ms: int) -> None:
        """Open the record with ``ref`` and play its recording from ``ms``."""
        s = self.screen
        record_id = s.session.ws.find_ref(s.session.audit.id, ref)
        if record_id is None:
            s.session_message(f"No record {ref} in this audit.")
            return
        s.open_record(record_id)
        if self.player.path is None:
            self.focus_transcript()
            return
        self._pending_seek = ms
        self._seek_pending()

    def _seek_pending(self, *_args) -> None:
        loaded = (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferedMedia,
                  QMediaPlayer.MediaStatus.BufferingMedia, QMediaPlayer.MediaStatus.EndOfMedia)
        if self._pending_seek is not None and self.player.playable() \
                and self.player.player.mediaStatus() in loaded:
            ms, self._pending_seek = self._pending_seek, None
            self.play_from(ms)

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
        self.player.play()

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
