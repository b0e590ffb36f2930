"""Moving between records on the scoring screen, and the progress line: opening a row or a
record (a click, the filters "Only incomplete" and "My records"), next / previous, next
incomplete (following "My records"), jump to a ref. Mixed into ``ScoringScreen``, which provides
the session, the records table and model, and ``show_record``."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel


class Navigation:
    def _count_progress(self) -> None:
        """Count records and completed ones once per audit/import; answers adjust it."""
        audit = self.session.audit
        if audit is None:
            self._totals = [0, 0]
            return
        total = self.session.ws.count_records(audit.id)
        self._totals = [total, total - self.session.ws.count_records(audit.id,
                                                                     incomplete_only=True)]

    def _update_progress(self) -> None:
        if self.session.audit is None:
            self.progress.setText("")
            return
        total, done = self._totals
        pos = None
        if self.view is not None:
            pos = (self.records_view.currentIndex().row()
                   if not any(self.records_model.filters().values())
                   else self.session.ws.record_position(self.session.audit.id, self.view.id))
        at = f"record {pos + 1} of {total}" if pos is not None else f"{total} records"
        self.progress.setText(f"{at[0].upper()}{at[1:]}, {done} complete")

    def move_record(self, step: int) -> None:
        row = self.records_view.currentIndex().row()
        target = row + step
        if 0 <= target < self.records_model.rowCount():
            self.open_row(target)

    def next_incomplete(self) -> None:
        if self.session.audit is None:
            return
        rid = self.session.ws.next_incomplete(
            self.session.audit.id, self.view.seq if self.view else 0,
            assigned_to=self.session.reviewer if self.only_mine.isChecked() else None)
        if rid is None:
            self.session_message("Every record is complete.")
            return
        self.open_record(rid)

    def _focus_ref(self) -> None:
        if self.session.audit is not None:      # the records as they are now, to complete on
            from ui.widgets.jump_box import LIMIT

            self.ref_edit.set_records(self.session.ws.records_page(
                self.session.audit.id, 0, LIMIT))
        self.ref_edit.setFocus()
        self.ref_edit.selectAll()

    def _jump(self) -> None:
        ref = self.ref_edit.ref()
        if not ref or self.session.audit is None:
            return
        rid = self.session.ws.find_ref(self.session.audit.id, ref)
        if rid is None:                          # a part of a ref that only one record has
            found = self.session.ws.records_page(self.session.audit.id, 0, 2, search=ref)
            rid = found[0].id if len(found) == 1 else None
        if rid is None:
            self.show_error(f"No record with ref '{ref}' in this audit.")
            return
        self.open_record(rid)
        self.questions_view.setFocus()

    def on_records_changed(self) -> None:
        current = self.view.id if self.view else None
        self.records_model.reload()
        self._count_progress()
        row = self.records_model.row_of(current) if current else None
        self.open_row(row or 0)

    def _filter_changed(self, _checked: bool = False) -> None:
        current = self.view.id if self.view else None
        self.records_model.set_filter(
            incomplete_only=self.only_incomplete.isChecked(),
            assigned_to=self.session.reviewer if self.only_mine.isChecked() else None)
        row = self.records_model.row_of(current) if current else None
        self.open_row(row if row is not None else 0)

    def _record_clicked(self, index) -> None:
        self.open_row(index.row())
        self.questions_view.setFocus()

    def open_row(self, row: int) -> None:
        rec = self.records_model.row(row)
        if rec is None:
            self.show_record(None)
            return
        self.records_view.selectionModel().setCurrentIndex(
            self.records_model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.records_view.scrollTo(self.records_model.index(row, 0))
        self.show_record(self.session.ws.record(self.session.qset, rec.id))

    def open_record(self, record_id: int, qid: str | None = None) -> None:
        row = self.records_model.row_of(record_id)
        if row is None and (self.only_incomplete.isChecked() or self.only_mine.isChecked()):
            self.only_incomplete.setChecked(False)
            self.only_mine.setChecked(False)
            row = self.records_model.row_of(record_id)
        if row is not None:
            self.open_row(row)
        if qid is not None and self.session.qset is not None:
            ids = [q.id for q in self.session.qset.questions]
            if qid in ids:
                self.select_question(ids.index(qid))
