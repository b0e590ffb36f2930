"""Answering on the scoring screen: Y / N / n/a / choices / text, notes, undo, and showing a
failed save. Mixed into ``ScoringScreen`` (which provides ``session``, ``view``, the question
panel and the banner); every change is one operation run through ``Session.run``."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from reviewer.ops import scoring
from reviewer.questions.logic import ANSWERED, MULTI_SEP, NOT_ASKED
from ui.app.operations import failure_lines
from ui.app.shortcuts import keys


class Answering:
    # -- answering ----------------------------------------------------------------------------
    def answer(self, value) -> None:
        q = self.current_question()
        if q is None or self.view is None:
            return
        if self.view.states[q.id][0] == NOT_ASKED and value not in ("", "n/a"):
            self.show_error(f"Question {q.id} is not asked for this record, so it counts as n/a.")
            return
        row = self.current_question_row()
        audit_id, qs, rid = self.session.audit.id, self.session.qset, self.view.id
        if self._save(lambda ws, _p: scoring.score(ws, audit_id, qs, rid, q.id, value)):
            if value != "" and q.type != "multi_choice":
                self.select_question(self.questions.next_open_row(row))

    def choose(self, n: int) -> None:
        q = self.current_question()
        if q is None or self.view is None or not q.choices:
            return
        if n > len(q.choices):
            self.show_error(f"Question {q.id} has only {len(q.choices)} choices.")
            return
        label = q.choices[n - 1]
        if q.type == "multi_choice":
            state, value = self.view.states[q.id]
            chosen = set(value.split(MULTI_SEP)) if state == ANSWERED and value else set()
            chosen ^= {label}
            self.answer(MULTI_SEP.join(c for c in q.choices if c in chosen))
        else:
            self.answer(label)

    def _text_answer(self) -> None:
        q = self.current_question()
        if q is None or q.type != "text" or self.view is None:
            return
        state, value = self.view.states[q.id]
        text, ok = QInputDialog.getText(self, f"Question {q.id}", q.text,
                                        text=value if state == ANSWERED else "")
        if ok:
            self.answer(text)

    def _focus_note(self) -> None:
        if self.current_question() is not None:
            self.note_edit.setFocus()
            self.note_edit.selectAll()

    def save_note(self) -> None:
        q = self.current_question()
        if q is None or self.view is None:
            return
        text = self.note_edit.text()
        audit_id, qs, rid = self.session.audit.id, self.session.qset, self.view.id
        if self._save(lambda ws, _p: scoring.set_note(ws, audit_id, qs, rid, q.id, text)):
            self.questions_view.setFocus()

    def undo(self) -> None:
        if self.session.audit is None:
            return
        audit_id, qs = self.session.audit.id, self.session.qset
        # not initiator=self: the records table and progress refresh from the hook, as for any
        # other screen's change; then the undone answer is shown
        done = self.session.run(lambda ws, _p: scoring.undo_last(ws, audit_id, qs), self,
                                "Undoing…", on_failure=self.show_not_saved)
        if done is None:
            return
        if done.value is None:
            self.session_message(done.message)
            return
        self.banner.hide()
        self.open_record(*done.value)
        self.session_message(done.message)

    def _save(self, op) -> bool:
        done = self.session.run(op, self, "Saving…", initiator=self,
                                on_failure=self.show_not_saved)
        if done is None:
            return False
        view = done.value
        self.banner.hide()
        was_complete = bool(self.view and self.view.complete(self.session.qset))
        now_complete = view.complete(self.session.qset)
        if now_complete != was_complete:
            self._totals[1] += 1 if now_complete else -1
            self.records_model.refresh_rows()
        self.show_record(view, keep_question=True)
        if now_complete and not was_complete:
            self.completion_cue()
        return True

    def completion_cue(self) -> None:
        """The record is complete: say so, and name the key to the next incomplete one."""
        left = self._totals[0] - self._totals[1]
        nxt = keys("next_incomplete")[0]
        self.session_message(
            f"Record {self.view.ref} is complete. " + (
                f"{nxt} opens the next incomplete record ({left} left)." if left > 0 else
                "Every record of this audit is complete."))

    def show_not_saved(self, exc: BaseException) -> None:
        """This screen's place for a failed operation (``Session.run``'s ``on_failure``): the
        red banner, until the next change is saved."""
        self.show_error("NOT SAVED — " + " ".join(failure_lines(exc)))

    def show_error(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.setToolTip(message)
        self.banner.show()
        self.session_message(message)

    def session_message(self, message: str) -> None:
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(message, 8000)
