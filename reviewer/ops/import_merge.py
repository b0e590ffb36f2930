"""An import's merge of the file's rows for records the audit already has (``ops.importer``),
set-based (``store.merge``): Python resolves conditions again only where the file leaves out a
question they involve, and appends the history events the changes need. On PostgreSQL it runs
before the write lock (:meth:`Merge.run` with ``early``): the matched records' rows locked
first (``staging.lock_matched``), the changes written with no seq, their events numbered from
1 and packed; under the lock the events are chained on, their seqs offset past the import's
own event (docs/performance.md, "Imports and scorers")."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from queue import SimpleQueue

from reviewer.files.answer_staging import Staged
from reviewer.files.answer_table import Problems, Rules
from reviewer.ops.appending import Ahead
from reviewer.ops.core import Tx
from reviewer.ops.import_packs import feed_listed, feed_packs, made_ready
from reviewer.questions.logic import BLANK
from reviewer.questions.model import QuestionSet
from reviewer.store import (
    bundle,
    history,
    import_rows,
    merge,
    merge_check,
    merge_events,
    merge_records,
    merge_rows,
    staging,
)
from reviewer.store import merge_row_events as row_events
from reviewer.store.chain import listed, new_salt, pack_parts
from reviewer.store.db import Database
from reviewer.store.history import Action


@dataclass
class ImportResult:
    new: int = 0
    updated: int = 0
    changed: int = 0               # stored answers and notes replaced or cleared
    rows: int = 0
    sha256: str = ""
    question_columns: list[str] = field(default_factory=list)
    note_columns: list[str] = field(default_factory=list)
    field_columns: list[str] = field(default_factory=list)

    def summary(self, name: str) -> str:
        fields = ", ".join(self.field_columns) or "none"
        return (f"{name}: {self.new} new records, {self.updated} updated "
                f"({self.changed} stored answers or notes changed); "
                f"{len(self.question_columns)} question columns matched, "
                f"{len(self.note_columns)} note columns, other columns kept as fields: {fields}")


PREPARE_MAX = 3_000_000    # events packed before the write lock (held compressed); more: under it


class Merge:
    """The file's rows for records the audit already has, merged with what is stored, set-based
    (``store.merge``): Python resolves conditions again only where the file leaves out a question
    they involve, and writes the history events the changes need."""

    def __init__(self, db: Database, tx: Tx | None, qs: QuestionSet, st: Staged,
                 problems: Problems, seq: int, file_name: str):
        self.db, self.tx, self.qs, self.st, self.problems, self.seq = db, tx, qs, st, problems, seq
        self.rules = Rules(qs)
        in_file = set(st.columns.questions.values())
        notes = set(st.note_questions)
        involved = set(self.rules.involved)
        self.questions = [merge.Question(k, q.id, k in in_file, k in involved, k in notes,
                                         q.tallied) for k, q in enumerate(qs.questions)]
        self.column_of = {k: c for c, k in st.columns.questions.items()}
        self.detail, self.changed = f"import {file_name}", 0
        self.offset = 0                  # added to the seqs numbered before the write lock
        self.packs: list[tuple[int, object, list[int], object]] | None = None  # Pack
        self.given: bytes | None = None  # the answers given to blank cells (early: listed)
        self.updated = 0
        self.prepared = False            # SQLite: the merge made before the write lock
        self.pending = False             # ... taken under it, not yet written
        self.stale = False               # ... a record it read changed before the lock
        self.salt: bytes | None = None   # ... the salt its own event was hashed with ahead
        self.ahead: Ahead | None = None  # ... and what its packs of events were then
        self.rows: merge_rows.Plan | None = None     # ... made a record at a time
        self.slots: list[int] = list(range(len(st.field_names)))   # the file's fields' places

    def run(self, result: ImportResult, early: bool = False,
            new: import_rows.NewRows | None = None) -> None:
        """Merge (``early``: on PostgreSQL, before the write lock, after the new records
        ``new``, whose answers the import's event lists first)."""
        result.updated = merge.matched_count(self.db)
        if not result.updated:
            return
        if early:
            staging.lock_matched(self.db)
        if self.st.deferred:
            self._resolve()
        if self.tx is None or self.problems.found:
            return
        result.changed = self.changed = self._early(self.tx, new) if early else self._write(
            self.tx)

    def prepare(self, audit_id: int, now: str, login: str | None, reviewer: str,
                new: import_rows.NewRows | None,
                detail: Callable[[int], str] | None = None) -> bool:
        """SQLite, before the write lock, in the staging transaction (the refs matched): the
        whole merge made into temporary tables as the audit is now, its events numbered after
        the chain's head as it is now and packed, the answers it gives listed after the new
        records' (``new``), and the matched records kept as they were (``store.merge_check``);
        whether it was made (not where the file has problems: the lock's own run reports
        them). ``detail``: the import's own event's detail for so many updated records: the
        event and the packs after it are then hashed ahead (``import_packs.made_ready``)."""
        db = self.db
        self.updated = merge.matched_count(db)
        if not self.updated:
            return False
        if self.st.deferred:
            self._resolve()
        if self.problems.found:
            return False
        merge_check.snapshot(db)
        head, last = history.chain_head(db, audit_id)
        self.seq = head + 1                                 # the import's, if none writes
        rows = self.rows = merge_rows.start(db, audit_id, self.questions, self.seq + 1,
                                            bundle.PACK_MIN)         # a record at a time
        if rows is not None:
            self.changed = rows.events
            texts = (row_events.listing(rows, self.detail) if bundle.PACK_MIN <= rows.events
                     <= PREPARE_MAX else None)
        else:
            self.changed = merge.changes(db, self.questions, self.seq + 1)
            texts = (merge_events.packs(db, self.detail)
                     if bundle.PACK_MIN <= self.changed <= PREPARE_MAX else None)
        feed: SimpleQueue = SimpleQueue()
        who = (now, login, reviewer)

        def own() -> tuple | None:        # the import's own event, hashed first (or None)
            self.given = (row_events.given_packed(db, rows, new) if rows is not None else
                          import_rows.merged_given(db, merge.CHANGE, new, merge.noted(db)))
            return None if detail is None else (self.seq, Action.IMPORT.value, None, None, None,
                                                None, detail(self.updated), self.given)
        # the packs of events made ready in a thread as they are listed and while the rest is
        # made here (SQL, which lets Python's other threads run: docs/performance.md, "An
        # updating import's merge before the lock (SQLite)"); then hashed ahead
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(int).result()     # its thread started first: a start waits for it
            packs = (pool.submit(made_ready, iter(feed.get, None), audit_id, who, last)
                     if texts is not None else None)
            if isinstance(texts, tuple):      # a record at a time: in halves, with a helper
                feed_packs(db, feed, *texts, self.seq + 1, who, own)
            else:
                feed_listed(db, feed, texts, own)
            if rows is not None:
                merge_rows.patches(db, rows, self.seq + 1, self.seq, reviewer, now, audit_id)
            else:
                merge.stage_packs(db, audit_id, reviewer, now, self.seq)
            merge_records.stage_records(db, self._fields(seen=True), before=True)
            self.packs, self.salt, self.ahead = (packs.result() if packs is not None
                                                 else (None, None, None))
        self.prepared = True
        return True

    def write_prepared(self, tx: Tx, seq: int, result: ImportResult, slots: list[int]) -> bool:
        """Under the write lock, the refs matched again: take the merge :meth:`prepare` made,
        its events after the import's own (``seq``, reserved), if the records it read are as
        they were (``store.merge_check.unchanged``) and its fields' ``slots`` too; whether it
        did (its writes then made by :meth:`write_staged`, at the latest with its history).
        If not, the merge is to be made again (:meth:`run`)."""
        if not self.prepared or slots != self.slots or not merge_check.unchanged(self.db):
            self.stale = self.prepared
            self.prepared, self.packs, self.given, self.changed = False, None, None, 0
            self.salt = self.ahead = self.rows = None
            return False
        self.tx, moved = tx, seq - self.seq        # other writers' events meanwhile
        self.seq, self.offset = seq, moved
        tx.reserve(self.changed)
        self.pending = True
        result.updated, result.changed = self.updated, self.changed
        return True

    def write_staged(self) -> None:
        """Write the prepared merge's packs (their base the import's seq) and records, once."""
        if not self.pending or self.tx is None:
            return
        self.pending = False
        merge.patch_staged(self.db, self.tx.audit.id, self.seq)
        merge_records.write_records(self.db)

    def append_history(self, tx: Tx) -> None:
        """Under the write lock: the events of the changes, packed or one row each. A merge
        made before the lock is written here if not yet: while its packs of events are hashed
        onto the chain in a thread of their own (``Tx.append_packs_while``)."""
        if self.changed >= bundle.PACK_MIN and self.packs is not None and self.pending:
            tx.append_packs_while([(first + self.offset, text, rids, ready)
                                   for first, text, rids, ready in self.packs],
                                  self.write_staged, self.ahead)
            return
        self.write_staged()
        if not self.changed:
            return
        if self.changed >= bundle.PACK_MIN:      # docs/evidence.md, "Packed events"
            packs = (((first + self.offset, text, rids, ready)
                      for first, text, rids, ready in self.packs)
                     if self.packs is not None
                     else row_events.packs(self.db, self.rows, self.seq + 1, self.detail,
                                           merge.EVENT_BATCH) if self.rows is not None
                     else merge_events.packs(self.db, self.detail, self.offset))
            tx.append_packs(packs)
        else:
            tx.append(merge_events.event_batches(self.db, self.detail, self.offset))

    def _early(self, tx: Tx, new: import_rows.NewRows | None) -> int:
        """The merge before the write lock (PostgreSQL): the changes written, their events
        numbered from 1 (:attr:`offset` added under the lock) and packed, the given answers
        listed; how many events."""
        db = self.db
        events = merge.changes(db, self.questions, 1)
        merge.apply(db, tx.audit.id, tx.reviewer, tx.now, None)
        merge_records.set_records(db, self._fields(), aside=True)
        sep = ", "                                   # json_agg's (import_rows)
        groups = [(new(), sep)] if new is not None else []
        self.given = pack_parts(listed(*groups, (import_rows.changed_given(db, merge.CHANGE)(),
                                                 sep)))
        if bundle.PACK_MIN <= events <= PREPARE_MAX:   # ready but for the seqs
            self.packs = [(first, text, rids, bundle.prepare(tx.now, tx.login, tx.reviewer,
                                                             text, new_salt()))
                          for first, text, rids in merge_events.packs(db, self.detail)]
        return events

    def _resolve(self) -> None:
        """Resolve conditions on each merged record, where the file leaves out a question they
        involve: the staged resolution (as for a new record) is replaced where the stored
        answers change it, and problems with the file's own columns are reported."""
        involved = self.rules.involved
        absent = [self.questions[k].qid for k in involved if not self.questions[k].in_file]
        cols = ", ".join(f"s.s{k}, s.v{k}, s.r{k}, s.w{k}" for k in involved)
        for rows in merge.batches(self.db, f"s.k, s.row, s.rid, {cols} FROM {merge.STAGE} s"):
            stored: dict[tuple[int, str], tuple] = {
                (rid, qid): (state, value) for rid, qid, state, value
                in merge.given(self.db, [r[2] for r in rows], absent)}
            updates = []
            for k, number, rid, *cells in rows:
                key, staged = [], []
                for i, q in enumerate(involved):
                    s, v, r, w = cells[4 * i:4 * i + 4]
                    qid = self.questions[q].qid
                    key.append((s, v) if self.questions[q].in_file
                               else stored.get((rid, qid), BLANK))
                    staged.append((r, w))
                res, found = self.rules.resolve(tuple(key))
                for qid, message in found:
                    col = self.column_of.get(self.rules.index[qid])
                    if col is not None:
                        self.problems.add(number, col, message)
                if list(res) != staged:
                    updates.append((*(x for answer in res for x in answer), k))
            merge.set_resolved(self.db, involved, updates)

    def _write(self, tx: Tx) -> int:
        """Write the merged answers, fields and completeness; how many events they need
        (appended after the import's own: :meth:`append_history`)."""
        db = self.db
        first = tx.next_seq()
        events = merge.changes(db, self.questions, first)
        tx.reserve(events)
        merge.apply(db, tx.audit.id, tx.reviewer, tx.now, self.seq)
        merge_records.set_records(db, self._fields())
        return events

    def _fields(self, seen: bool = False) -> Iterator[list[tuple[int, str]]]:
        """(record, merged fields JSON) of the records whose fields the file changes, a batch
        at a time: the file's fields set at their slots (:attr:`slots`, ``store.field_slots``)
        in the stored array, written as the staged text is (``seen``: the stored fields as the
        snapshot before the write lock read them)."""
        slots = self.slots
        top = max(slots, default=-1) + 1
        for rows in merge_records.fields(self.db, slots, seen):
            out = []
            # a batch's fields parsed in one call of the C reader, not one a record
            every, staged_every = merge_records.stored_fields(rows)
            for (rid, _, staged_text), stored, staged in zip(rows, every, staged_every,
                                                            strict=True):
                merged = stored + [None] * (top - len(stored))
                for slot, value in zip(slots, staged, strict=True):
                    merged[slot] = value
                while merged and merged[-1] is None:
                    merged.pop()
                if merged != stored:
                    out.append((rid, staged_text if merged == staged
                                else json.dumps(merged, separators=(",", ":"))))
            yield out
