"""The scoring screen: record on the left, questions on the right, everything on the keyboard.

Every answer is saved by ``reviewer.ops.scoring.score`` the moment the key is pressed; a failed
save is shown in a red banner (and the status bar) until the next successful one.

Operations (through ``scoring_answers``, ``call_listening``): ``ops.scoring.score``,
``set_note``, ``undo_last``; ``ops.sampling.link_recordings``; ``ops.evidence.log_view`` (a
record shown or its call played, through ``ui.app.access_log``). Reads ``Workspace.record``,
``records_page``, ``next_incomplete``."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewer.ops import scoring
from reviewer.ops.core import Changes
from reviewer.questions.model import Question
from ui.app.colours import ERROR_BACKGROUND, ERROR_TEXT, emphasise, set_colours
from ui.app.session import Session
from ui.app.shortcuts import keys
from ui.models.records import COL_REF, COL_SEQ, RecordsModel
from ui.screens.call_listening import CallListening
from ui.screens.scoring_answers import Answering
from ui.screens.scoring_navigation import Navigation
from ui.widgets.a11y import named
from ui.widgets.history_panel import HistoryPanel
from ui.widgets.jump_box import JumpBox
from ui.widgets.layout import RowKeeper
from ui.widgets.question_panel import QuestionPanel
from ui.widgets.record_panel import RecordPanel
from ui.widgets.scoring_notice import notice_text


class ScoringScreen(Answering, Navigation, QWidget):
    record_opened = Signal(int)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.view: scoring.RecordView | None = None
        self._totals = [0, 0]       # records, complete: counted per audit, adjusted per answer
        self.records_model = RecordsModel(session.ws, self)
        self._build()
        self._actions()
        session.audit_opened.connect(self.on_audit_changed)
        session.operation_did_execute.connect(self.on_operation)
        self.listening = CallListening(self)   # the call player under the record (issue #5)
        self.player = self.listening.player
        self.player.player.playbackStateChanged.connect(self._playing)

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel("No audit open — open one on the Audits screen (Ctrl+1)")
        emphasise(self.title)
        self.title.setWordWrap(True)
        self.progress = QLabel("")
        self.progress.setObjectName("progressLabel")
        self.only_incomplete = QCheckBox("Only incomplete (Ctrl+Shift+I)")
        self.only_incomplete.toggled.connect(self._filter_changed)
        self.only_mine = QCheckBox("My records (Ctrl+Shift+M)")
        self.only_mine.setToolTip("Only the records assigned to you; Ctrl+Return follows it")
        self.only_mine.toggled.connect(self._filter_changed)
        self.ref_edit = JumpBox(lambda: self.questions_view.setFocus())
        self.ref_edit.setPlaceholderText("Jump to ref… (Ctrl+G)")
        named(self.ref_edit, "Jump to ref", "Type any part of a record's ref or fields, pick "
              "it and press Enter (Ctrl+G); Esc goes back to the questions")
        self.ref_edit.returnPressed.connect(self._jump)
        self.banner = QLabel("")
        self.banner.setObjectName("saveBanner")
        set_colours(self.banner, ERROR_TEXT, ERROR_BACKGROUND)     # 7.9:1 in any theme
        self.banner.setAutoFillBackground(True)
        self.banner.setMargin(6)
        # the banner lies over the title, in a place kept for it while it is hidden: showing
        # it never moves the questions (one line; the whole message is its tooltip and in the
        # status bar)
        policy = self.banner.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        policy.setHorizontalPolicy(policy.Policy.Ignored)
        self.banner.setSizePolicy(policy)
        self.banner.hide()
        headline = QGridLayout()
        headline.addWidget(self.title, 0, 0)
        headline.addWidget(self.banner, 0, 0)
        heading = QHBoxLayout()           # two rows: nothing pushes the window wider than
        heading.addLayout(headline, 1)    # a small screen at a large font
        heading.addWidget(self.progress)
        filters = QHBoxLayout()
        filters.addWidget(self.only_incomplete)
        filters.addWidget(self.only_mine)
        filters.addStretch(1)
        filters.addWidget(self.ref_edit, 1)
        top = QVBoxLayout()
        top.addLayout(heading)
        top.addLayout(filters)

        self.notice = QLabel("")
        self.notice.setObjectName("auditNotice")
        self.notice.setWordWrap(True)
        self.notice.setFrameShape(QLabel.Shape.StyledPanel)
        self.notice.setMargin(6)
        self.notice.hide()

        self.records_view = QTableView()
        self.records_view.setModel(self.records_model)
        named(self.records_view, "Records", "PgUp and PgDn move between records")
        self.records_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.records_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.records_view.verticalHeader().hide()
        metrics = self.records_view.fontMetrics()
        self.records_view.verticalHeader().setDefaultSectionSize(metrics.height() + 8)
        self.records_view.horizontalHeader().setSectionResizeMode(
            COL_REF, QHeaderView.ResizeMode.Stretch)
        self.records_view.setColumnWidth(COL_SEQ, metrics.horizontalAdvance("000000"))
        self.records_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.records_view.clicked.connect(self._record_clicked)
        self.record_panel = RecordPanel()
        self.history = HistoryPanel(self)
        self.history.hide()
        split_left = QSplitter(Qt.Orientation.Vertical)
        split_left.addWidget(self.records_view)
        split_left.addWidget(self.record_panel)
        split_left.addWidget(self.history)
        split_left.setStretchFactor(0, 2)
        split_left.setStretchFactor(1, 3)
        split_left.setChildrenCollapsible(False)
        # the history's table may be short (it scrolls): the record list keeps its eight rows
        self.history.view.setMinimumHeight(self.history.view.fontMetrics().height() * 3)
        # the history takes its room from itself, never from the record list (8 rows)
        self._records_keeper = RowKeeper(split_left, self.records_view,
                                         donors=(self.history, self.record_panel),
                                         watch=(self.history,))
        left = QScrollArea()             # a short window or a large font scrolls, never clips
        left.setWidgetResizable(True)
        left.setFrameShape(QScrollArea.Shape.NoFrame)
        left.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        left.setWidget(split_left)

        self.questions = QuestionPanel()
        self.questions_model = self.questions.model
        self.questions_view = self.questions.view
        self.guidance = self.questions.guidance
        self.note_edit = self.questions.note_edit
        self.note_edit.returnPressed.connect(self.save_note)
        right = self.questions

        self.split = split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        self._left = self.left_split = split_left     # call listening adds the transcript
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(split, 1)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        """The first time: the record side as wide as its contents need (a large font needs
        more), between 30% and 40% of the screen; the questions get the rest."""
        super().showEvent(event)
        if not getattr(self, "_split_set", False):
            self._split_set = True
            QTimer.singleShot(0, self._size_split)       # once the layouts have settled

    def _size_split(self) -> None:
        width = self.split.width()
        need = self._left.minimumSizeHint().width() + self.style().pixelMetric(
            QStyle.PixelMetric.PM_ScrollBarExtent)
        left = min(max(need, width * 30 // 100), width * 40 // 100)
        self.split.setSizes([left, width - left])
        self._records_keeper.keep()

    def _actions(self) -> None:
        handlers = {
            "answer_yes": lambda: self.answer("Y"), "answer_no": lambda: self.answer("N"),
            "answer_na": lambda: self.answer("n/a"), "clear_answer": lambda: self.answer(""),
            "next_question": lambda: self.move_question(1),
            "prev_question": lambda: self.move_question(-1),
            "next_record": lambda: self.move_record(1),
            "prev_record": lambda: self.move_record(-1),
            "next_incomplete": self.next_incomplete, "jump_ref": self._focus_ref,
            "toggle_incomplete": self.only_incomplete.toggle, "edit_note": self._focus_note,
            "toggle_mine": self.only_mine.toggle,
            "undo": self.undo, "show_history": lambda: self.history.toggle(),
        }
        self.actions_by_name: dict[str, QAction] = {}
        for name, fn in handlers.items():
            self.add_key_action(name, fn, keys(name))
        for n, key in enumerate(keys("answer_choice"), start=1):
            self.add_key_action(f"choice_{n}", lambda _c=False, n=n: self.choose(n), (key,))
        self.questions_view.activated.connect(lambda _i: self._text_answer())

    def add_key_action(self, name: str, fn, key_list) -> None:
        action = QAction(name, self)
        action.setShortcuts([QKeySequence(k) for k in key_list])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(fn)
        self.addAction(action)
        self.actions_by_name[name] = action

    # -- audit / records ----------------------------------------------------------------------
    def on_audit_changed(self) -> None:
        audit = self.session.audit
        self.title.setText(f"{audit.name} — {audit.set_title} v{audit.set_version}"
                           if audit else "No audit open")
        self.records_model.set_audit(audit.id if audit else None)
        self._count_progress()
        self.open_row(0)
        self.show_notice()

    def show_notice(self) -> None:
        """What the open audit allows, or what to do next (and which keys) when it is new."""
        text = notice_text(self.session.audit)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def on_operation(self, changes: Changes, initiator) -> None:
        """Refresh from what another screen's (or window's) operation changed."""
        audit = self.session.audit
        if audit is None or changes.audit_id != audit.id:
            return
        if changes.audit_list:
            self.show_notice()
        if initiator is self:
            return
        if changes.records or changes.all_answers:
            self.on_records_changed()
        elif changes.touches_answers():
            self.records_model.refresh_rows()
            self._count_progress()
            if self.view is not None and changes.touches_answers(self.view.id):
                self.show_record(self.session.ws.record(self.session.qset, self.view.id),
                                 keep_question=True)

    def show_record(self, view: scoring.RecordView | None, keep_question: bool = False) -> None:
        same = view is not None and self.view is not None and view.id == self.view.id
        row = self.current_question_row()
        self.view = view
        qs = self.session.qset
        self.questions_model.set_record(qs, view)
        self.record_panel.show_record(view, bool(view and qs and view.complete(qs)))
        if view is not None:
            if not (same or keep_question):
                self.select_question(self.questions.first_open_row(0))
            else:
                self.select_question(row)
            if not same:
                self._viewed(view.ref, "record")
            self.record_opened.emit(view.id)
        self._update_progress()
        self.questions.update_guidance()

    def _viewed(self, ref: str, what: str) -> None:
        from ui.app.access_log import record_viewed

        problem = record_viewed(self.session, ref, what)
        if problem and self.window() is not None and hasattr(self.window(), "statusBar"):
            self.window().statusBar().showMessage(problem, 15000)

    def _playing(self, state) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if state == QMediaPlayer.PlaybackState.PlayingState and self.view is not None:
            self._viewed(self.view.ref, "audio")

    # -- questions (the panel does the work) ---------------------------------------------------
    def current_question_row(self) -> int:
        return self.questions.current_row()

    def current_question(self) -> Question | None:
        return self.questions.current_question()

    def select_question(self, row: int) -> None:
        self.questions.select(row)

    def move_question(self, step: int) -> None:
        self.questions.move(step)
