"""Answer-table import (docs/contracts.md §2) as one operation: all-or-nothing, nothing lost to a
concurrent writer.

1. Without any lock, ``files.answer_staging`` reads the file and checks every cell, and
   ``store.staging`` stages every row in a temporary table private to this connection.
2. In one transaction: refs are matched to the audit's records *as they are now*; new records
   are inserted from the staging table in SQL; rows for existing records are merged with the
   stored answers (each question column in the file replaces the stored answer, other questions
   are left alone, conditions are checked on the merged record), and only the cells that differ
   are written — set-based, by the database (``store.merge``; docs/performance.md,
   "Re-import"). Any problem rolls everything back. On SQLite the writing runs under the
   write lock; the new records' rows and the merge into existing ones are made before it, in
   a read snapshot, and made again under it only if a record they read changed meanwhile
   (``store.merge_check``; docs/performance.md, "An updating import's merge before the lock
   (SQLite)"). On PostgreSQL the import first takes only the imports' own lock (one import at a
   time), matches the refs, writes its new records and merges the existing ones (their rows
   locked: ``ops.import_merge``) — unseen by others until it commits — while scorers go on,
   then takes the write lock only to chain its history events on and commit
   (docs/performance.md, "Imports and scorers"). Should another writer add one of the new refs
   after the import matched them, the import is rolled back and run again with the write lock
   held from the start, merging into that writer's record.

History (docs/contracts.md §6): one ``import`` event (file name, SHA-256 of its bytes, rows, new and
updated records) covers the answers the file brings to blank cells — each answer row keeps the
event's ``seq``, except on PostgreSQL (written before the seq was known; the event's rows
list them) — and every answer or note the file replaces or clears, or that a
condition clears, gets an ``answer``/``note`` event of its own with both values, written after
the ``import`` event in bulk (``Tx.append``).
"""

from __future__ import annotations

from pathlib import Path

from reviewer.clock import now_iso
from reviewer.errors import Progress
from reviewer.files.answer_staging import Staged, add_duplicates, plan_stage, stage_batches
from reviewer.files.answer_table import ImportProblems, Problems, note_header
from reviewer.files.tables import iter_table
from reviewer.gc_pause import gc_paused
from reviewer.ops import import_steps as steps
from reviewer.ops.core import OpResult, Tx, check_open, write
from reviewer.ops.import_merge import ImportResult, Merge
from reviewer.questions.model import QuestionSet
from reviewer.store import (
    field_slots,
    halves,
    import_rows,
    merge,
    merge_check,
    scratch,
    staging,
)
from reviewer.store.chain import listed, pack_parts
from reviewer.store.history import Action
from reviewer.workspace import Workspace

__all__ = ["ImportProblems", "ImportResult", "import_answers"]


def import_answers(ws: Workspace, audit_id: int, path: str | Path,
                   progress: Progress | None = None) -> OpResult[ImportResult]:
    path = Path(path)
    audit = ws.audit_by_id(audit_id)
    check_open(audit, "an import")      # checked again under the lock; saves reading the file
    qs = ws.question_set(audit)
    shape: list[str] = []                      # cells beyond the header (FILE:ROW:COLUMN)
    header, rows = iter_table(path, shape)     # streamed: memory stays flat at any size
    digest = steps.file_sha256(path)
    with gc_paused(), scratch.space(ws.db) as own:   # the working tables: docs/performance.md,
        try:                                         # "An import's working tables"
            staged, problems = plan_stage(qs, str(path), header)
            add_duplicates(staged, problems, staging.fill(
                ws.db, staged.table, staged.width,
                stage_batches(staged, qs, rows, path.resolve().parent, problems, 0, progress)))
            problems.add_lines(shape)
            if problems.found:      # a bad file: report every problem, without the lock
                with ws.db.staging():
                    steps.check(ws.db, audit_id, Merge(ws.db, None, qs, staged, problems, 0, ""))
                problems.raise_any()
            with ws.db.staging():       # PostgreSQL: an import a scorer makes, its rows
                mine = staging.scorer_sized(ws.db, audit_id, staged.rows, len(header) - 1,
                                            staged.field_names)
            done = (_write(ws, audit_id, qs, staged, header, path, digest, (None, now_iso()),
                           None, True, mine) if mine else None)     # locked as a scorer's
            for attempt in range(1, MERGE_TRIES + 1):
                if done is not None:
                    break
                now = now_iso()     # SQLite: the import's time, its packs made with it
                with ws.db.staging():
                    prepared = staging.prepare_new(ws.db, audit_id, [q.id for q in qs.questions],
                                                   set(staged.involved),
                                                   set(staged.note_questions), ws.reviewer, now)
                    early = _prepare_merge(ws, audit_id, qs, staged, header, path, digest,
                                           prepared, now)
                try:
                    done = _write(ws, audit_id, qs, staged, header, path, digest,
                                  (prepared, now), early, attempt == MERGE_TRIES)
                except StaleMerge:      # SQLite: a record its merge read changed meanwhile
                    continue
            assert done is not None
            result, tx = done
        finally:
            halves.stop(ws.db)
            if not own:              # (else they go with the scratch database, after this)
                staging.drop(ws.db)          # after the commit: the lock is not held for it
                merge.drop(ws.db)
                merge_check.drop(ws.db)
    staging.refresh_statistics(ws.db, staged.rows)
    if progress:
        progress(staged.rows, staged.rows)
    result.question_columns = [qs.questions[k].id for k in staged.columns.questions.values()]
    result.note_columns = [note_header(qs.questions[k].id) for k in staged.note_questions]
    result.field_columns = staged.field_names
    return OpResult(result, tx.changes, result.summary(str(path)))


MERGE_TRIES = 2     # SQLite: merges made before the lock, the last made again under it


class NotMine(Exception):
    """PostgreSQL: under the lock, an import a scorer makes matched other records than those
    whose rows it locked (one gone meanwhile): rolled back and run as any import."""


class StaleMerge(Exception):
    """Under the write lock (SQLite): a record the merge made before the lock read has changed
    since; the transaction is rolled back and the merge made again before the lock, up to
    ``MERGE_TRIES`` times, the last time under it (docs/performance.md, "An updating import's
    merge before the lock (SQLite)")."""


def _write(ws: Workspace, audit_id: int, qs: QuestionSet, st: Staged, header: list[str],
           path: Path, digest: str,
           made: tuple[tuple[int, int, import_rows.NewRows, bytes] | None, str],
           early: Merge | None, last: bool, mine: list[int] | None = None
           ) -> tuple[ImportResult, Tx]:
    """The import's write transaction (:func:`_apply`), run again once with the write lock
    held from the start should a PostgreSQL writer add one of its new refs meanwhile.
    ``made``: what was made before the lock (SQLite) and the time it was made with, which
    the import keeps. ``mine`` (PostgreSQL, an import a scorer makes): the records it
    updates, their rows locked as a scorer's, with the write lock from the start."""
    prepared, now = made
    for again in (False, True):
        try:
            with write(ws, audit_id, what="an import", late=not mine, records=mine) as tx:
                if again:          # the write lock held from the start, as on SQLite
                    tx.lock()
                if prepared is not None:
                    tx.now = now   # what its packs and its merge's events were made with
                result = _apply(tx, qs, st, header, path, digest, prepared,
                                None if again else early, last, mine)
            return result, tx
        except Exception as exc:
            # PostgreSQL: a writer added a ref this import found new, after it looked and
            # before it wrote the record (or one a scorer's import updates is gone); all rolled
            # back, it runs again and merges into that record (docs/performance.md, "Imports
            # and scorers")
            if again or not (staging.ref_taken(exc) or isinstance(exc, NotMine)):
                raise
            mine = None
    raise AssertionError("unreachable")


def _prepare_merge(on: Workspace | Tx, audit_id: int, qs: QuestionSet, st: Staged,
                   header: list[str], path: Path, digest: str,
                   prepared: tuple[int, int, import_rows.NewRows, bytes] | None, now: str,
                   slots: list[int] | None = None) -> Merge | None:
    """SQLite, before the write lock (``on`` the workspace; the refs matched by
    ``staging.prepare_new``): the merge into the matched records made as they are now, its
    events with the import's time ``now``; None where there is none to make. See
    docs/performance.md, "An updating import's merge before the lock (SQLite)". Under the lock
    (``on`` its transaction, with the fields' ``slots`` it claimed) the same, but no helper
    process is started: it reads only what is committed."""
    if prepared is None:
        return None
    merged = Merge(on.db, None, qs, st, Problems(st.name, header), 0, path.name)
    merged.slots = (slots if slots is not None                     # as the lock will give
                    else field_slots.plan(on.db, audit_id, st.field_names))
    given = prepared[2] if prepared[1] else None
    count = prepared[1]
    if slots is None:
        halves.start(on.db, st.rows - count)      # the merge made in two halves at once

    def detail(updated: int) -> str:      # the import's event's, as the lock will give it
        return steps.detail(path, digest, st.rows, count, updated)
    return merged if merged.prepare(audit_id, now, on.login, on.reviewer, given, detail) else None


def _merge_again(tx: Tx, qs: QuestionSet, st: Staged, header: list[str], path: Path,
                 digest: str, prepared: tuple[int, int, import_rows.NewRows, bytes] | None,
                 slots: list[int], seq: int, result: ImportResult) -> Merge | None:
    """SQLite, under the write lock, the merge made before it stale on its last try: made again
    here as it is made before the lock (:func:`_prepare_merge`: a record at a time, its events
    made ready in a thread), rather than by the set-based merge (docs/performance.md, "The
    last try's merge made a record at a time"); None where it cannot be (the set-based merge
    then, which also reports a file's problems)."""
    if tx.db.dialect != "sqlite":
        return None
    again = _prepare_merge(tx, tx.audit.id, qs, st, header, path, digest, prepared, tx.now,
                           slots)
    return again if again is not None and again.write_prepared(tx, seq, result, slots) else None


def _apply(tx: Tx, qs: QuestionSet, st: Staged, header: list[str], path: Path, digest: str,
           prepared: tuple[int, int, import_rows.NewRows, bytes] | None,
           early_merge: Merge | None = None, last: bool = True,
           mine: list[int] | None = None) -> ImportResult:
    """On PostgreSQL the refs are matched, the new records written and the existing ones merged
    before the write lock, invisible to others until the commit, the matched records' rows
    locked; under it only the history is chained on. On SQLite the new records' answers were
    built before the lock (``prepared``), and the merge into the matched records made
    (``early_merge``), so the lock is held for little more than their writing, unless a
    record the merge read changed meanwhile (docs/performance.md, "Imports and scorers")."""
    problems = Problems(st.name, header)
    merged = Merge(tx.db, tx, qs, st, problems, 0, path.name)
    # where the file's fields go (store.field_slots): on PostgreSQL before the write lock
    merged.slots = field_slots.claim(tx.db, tx.audit.id, st.field_names)
    steps.match(tx.db, tx.audit.id, problems, new_only=early_merge is not None)
    if mine and staging.matched_ids(tx.db) != mine:
        raise NotMine       # not the records whose rows it locked: as any import
    new: tuple[int, int, int] | None = None
    rows, packed = prepared[2:] if prepared and prepared[1] else (None, None)
    result = ImportResult(rows=st.rows, sha256=digest)
    early = not tx.locked and not problems.found
    if early:
        new = steps.insert_new(tx, qs, st, None, None, merged.slots)
        if new[0]:
            rows = import_rows.new_rows(tx.db, new[1], new[2])
            packed = pack_parts(listed((rows(), ", ")))
        merged.run(result, early=True, new=rows)
        problems.raise_any()
    tx.lock()
    seq = merged.seq = merged.offset = tx.reserve()
    if early:
        tx.reserve(result.changed)
    elif (early_merge is not None and not problems.found
          and early_merge.write_prepared(tx, seq, result, merged.slots)):
        merged = early_merge
    else:
        if early_merge is not None and early_merge.stale and not last:
            raise StaleMerge             # rolled back: the merge made again before the lock
        if early_merge is not None:      # matched again in full: a record it read may be gone
            problems = merged.problems = Problems(st.name, header)
            steps.match(tx.db, tx.audit.id, problems)
        again = (_merge_again(tx, qs, st, header, path, digest, prepared, merged.slots, seq,
                              result) if early_merge is not None and not problems.found
                 else None)
        if again is not None:
            merged = again
        else:
            merged.offset = 0
            merged.run(result)
            problems.raise_any()
    # the answers the import gives, packed for its event: the new records' (made before the
    # lock), then those the merge brought to blank cells (SQLite: from its change table;
    # PostgreSQL after a lost race: read back below, the new records' carrying the seq)
    if not result.updated:
        given = packed
    elif early or merged.prepared:
        given = merged.given
    elif tx.db.dialect == "sqlite":     # from the change table, not every stored answer
        given = import_rows.merged_given(tx.db, merge.CHANGE, rows, merge.noted(tx.db))
    else:                               # the new records written below carry the seq
        given = None
    if new is None:
        new = steps.insert_new(tx, qs, st, seq, prepared[:2] if prepared else None, merged.slots)
        if prepared is not None and prepared[1] and (new[1], new[0]) != prepared[:2]:
            given = None     # built again under the lock: other ids, or a ref now taken
    if given is None:
        merged.write_staged()           # the merge's given answers are read back below too
        given = import_rows.given_rows(tx.db, tx.audit.id, seq,      # the file's rows as
                                       within=staging.touched(tx.db, new))   # stored
    result.new = new[0]
    tx.event(Action.IMPORT, detail=steps.detail(path, digest, st.rows, result.new, result.updated),
             seq=seq, rows=given, salt=merged.salt)
    merged.append_history(tx)
    return result
