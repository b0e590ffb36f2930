"""SQLite: an import that updates records makes its merge before the write lock and writes it
under the lock only if the records it read are as they were (docs/performance.md, "An
updating import's merge before the lock (SQLite)"). Another writer acts in the window between
the two, through the program's own operations on a connection of its own: where it changed
none of the import's records, the merge made before is written, its events numbered after the
other writer's; where it changed one, or added a record the file names, the merge is made again
under the lock. Either way every answer is the contract's, and the history verifies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reviewer.ops import import_merge, importer
from reviewer.store import bundle, halves, history, merge_check, verify
from reviewer.store.audits import get_audit
from reviewer.store.db import Database
from tests.actions import WHO, create_audit, import_answers, score, ws
from tests.unit.helpers import write_csv, write_set

NAME = "Small"
FIRST = [[f"R{n}", "Y", "Y", "N", "None"] for n in range(1, 21)]
HEADER = ["ref", "1", "2", "2a", "3"]


@pytest.fixture()
def setup(tmp_path: Path) -> tuple[Database, str]:
    path = str(tmp_path / "r.db")
    db = Database(path)
    create_audit(db, NAME, write_set(tmp_path))
    import_answers(db, get_audit(db, NAME), write_csv(tmp_path / "first.csv", HEADER, FIRST))
    yield db, path
    db.close()


def in_the_window(monkeypatch: pytest.MonkeyPatch, path: str,
                  act: Callable[[Database], None]) -> list[bool]:
    """Have ``act`` run on a connection of its own once the import has made its merge, before
    it asks for the write lock; the list says, per import, whether the merge made before the
    lock was written."""
    real_prepare, real_write = importer._prepare_merge, import_merge.Merge.write_prepared
    written: list[bool] = []

    def prepare_then_act(*args):
        made = real_prepare(*args)
        monkeypatch.setattr(importer, "_prepare_merge", real_prepare)     # once
        other = Database(path)
        try:
            act(other)
        finally:
            other.close()
        return made

    def write(self, *args):
        done = real_write(self, *args)
        written.append(done)
        return done

    monkeypatch.setattr(importer, "_prepare_merge", prepare_then_act)
    monkeypatch.setattr(import_merge.Merge, "write_prepared", write)
    return written


def answers(db: Database, ref: str) -> dict[str, str | None]:
    return dict(db.all("SELECT a.question_id, a.value FROM answer a JOIN record r "
                       "ON r.id = a.record_id WHERE r.ref = ? AND a.state = 1", (ref,)))


def rid(db: Database, ref: str) -> int:
    return int(db.scalar("SELECT id FROM record WHERE ref = ?", (ref,)))


def run_import(db: Database, path: Path) -> importer.ImportResult:
    """The import under test, as the operation itself (``tests.actions`` would count the other
    writer's events in the window as the import's)."""
    return importer.import_answers(ws(db), get_audit(db, NAME).id, path).value


def checked(db: Database) -> list[history.Event]:
    audit = get_audit(db, NAME)
    verify.verify_chain(db, audit.id)
    verify.replay_answers(db, audit.id)
    return list(history.iter_events(db, audit.id))


@pytest.mark.parametrize("packs", [False, True])
def test_another_writers_answers_elsewhere_only_move_the_seqs(setup, monkeypatch, tmp_path,
                                                              packs):
    """(With ``packs``, its events in packs hashed in a thread while the answers are written:
    ``Tx.append_packs_while``.)"""
    db, path = setup
    qs = ws(db).question_set(get_audit(db, NAME))
    written = in_the_window(monkeypatch, path, lambda other: score(
        other, qs, rid(other, "R20"), "1", "N", "bob"))
    if packs:
        monkeypatch.setattr("reviewer.store.bundle.PACK_MIN", 0)
        monkeypatch.setattr("reviewer.store.merge.EVENT_BATCH", 7)
    changed = write_csv(tmp_path / "second.csv", HEADER,
                        [[f"R{n}", "N", "Y", "", "CID"] for n in range(1, 11)])
    result = run_import(db, changed)
    assert written == [True] and (result.updated, result.changed) == (10, 30)
    events = checked(db)
    bob = next(e for e in events if e.reviewer == "bob")
    imported = [e for e in events if e.seq > bob.seq]
    assert imported[0].action == "import" and [e.seq for e in imported] == list(
        range(bob.seq + 1, bob.seq + 32))
    assert answers(db, "R1") == {"1": "N", "2": "Y", "3": "CID"}
    assert answers(db, "R20") == {"1": "N", "2": "Y", "2a": "N", "3": "None"}
    replaced = db.scalar("SELECT event_seq FROM answer a JOIN record r ON r.id = a.record_id "
                         "WHERE r.ref = 'R1' AND a.question_id = '1'")
    assert next(e for e in events if e.seq == replaced).after == "N"


@pytest.mark.parametrize("packs", [False, True])
def test_a_record_another_writer_changed_is_merged_again(setup, monkeypatch, tmp_path, packs):
    db, path = setup
    qs = ws(db).question_set(get_audit(db, NAME))

    def bob_scores_r1(other: Database) -> None:
        score(other, qs, rid(other, "R1"), "1", "N", "bob")       # the file answers it too
        score(other, qs, rid(other, "R1"), "2a", "Y", "bob")      # the file has no column

    written = in_the_window(monkeypatch, path, bob_scores_r1)
    if packs:
        monkeypatch.setattr("reviewer.store.bundle.PACK_MIN", 0)
    changed = write_csv(tmp_path / "second.csv", ["ref", "1", "3"],
                        [[f"R{n}", "Y" if n == 1 else "N", "CID"] for n in range(1, 6)])
    result = run_import(db, changed)
    assert written == [False, True] and (result.updated, result.changed) == (5, 10)
    events = checked(db)
    r1 = [(e.reviewer, e.question, e.before, e.after) for e in events
          if e.ref == "R1" and e.action == "answer"]
    assert r1[-4:] == [("bob", "1", "Y", "N"), ("bob", "2a", "N", "Y"),
                       (WHO, "1", "N", "Y"), (WHO, "3", "None", "CID")]
    assert answers(db, "R1") == {"1": "Y", "2": "Y", "2a": "Y", "3": "CID"}
    assert answers(db, "R2") == {"1": "N", "2": "Y", "2a": "N", "3": "CID"}


def test_a_record_added_for_a_new_ref_is_merged_into(setup, monkeypatch, tmp_path):
    db, path = setup
    written = in_the_window(monkeypatch, path, lambda other: import_answers(
        other, get_audit(other, NAME), write_csv(tmp_path / "bob.csv", ["ref", "2"],
                                                 [["R99", "Y"]]), "bob"))
    rows = [["R1", "N", "Y", "", ""], ["R99", "N", "", "", "CID"]]
    result = run_import(db, write_csv(tmp_path / "s.csv", HEADER, rows))
    assert written == [False, True] and (result.new, result.updated) == (0, 2)
    checked(db)
    assert answers(db, "R99") == {"1": "N", "3": "CID"}       # its blank 2 cleared bob's Y
    assert db.scalar("SELECT COUNT(*) FROM record WHERE ref = 'R99'") == 1


def test_entries_counted_from_their_packs_base_read_as_the_events_they_name(tmp_path,
                                                                            monkeypatch):
    """Re-imports in a row (docs/performance.md, "Entries counted from their pack's base"),
    each leaving some entries the one before wrote counted from its base, replacing or
    clearing others, with notes (full entries) and answers a condition clears: the view reads
    every answer, its who and its event, as the same imports made wholly under the lock (each
    entry naming its event itself) read, and both histories verify."""
    header = ["ref", "1", "2", "2a", "3", "note:1"]
    files = [
        (header, [[f"R{n}", "N", "Y", "", "CID", "checked" if n % 3 else ""]
                  for n in range(1, 16)]),
        (["ref", "3"], [[f"R{n}", "Response"] for n in range(1, 21)]),   # 1's entries kept
        (header, [[f"R{n}", "Y", "N", "", "Response", ""] for n in range(5, 21)]),
        (header, [[f"R{n}", "", "Y", "Y" if n % 2 else "", "None", "again" if n % 4 else ""]
                  for n in range(1, 21)]),
    ]
    seen = {}
    for under_lock in (False, True):
        folder = tmp_path / str(under_lock)
        folder.mkdir()
        db = Database(str(folder / "r.db"))
        create_audit(db, NAME, write_set(folder))
        import_answers(db, get_audit(db, NAME), write_csv(folder / "0.csv", HEADER, FIRST))
        seen[under_lock] = []
        with monkeypatch.context() as patched:
            if under_lock:
                patched.setattr("reviewer.store.merge_check.unchanged", lambda db: False)
            for k, (head, rows) in enumerate(files, 1):
                run_import(db, write_csv(folder / f"{k}.csv", head, rows))
                events = checked(db)
                seen[under_lock].append((
                    db.all("SELECT r.ref, a.question_id, a.state, a.value, a.note, "
                           "a.reviewer, a.event_seq, a.login FROM answer a JOIN record r "
                           "ON r.id = a.record_id ORDER BY r.ref, a.question_id"),
                    [(e.seq, e.action, e.ref, e.question, e.before, e.after) for e in events]))
        if not under_lock:
            assert db.scalar("SELECT COUNT(*) FROM answer_pack WHERE base_seq IS NOT NULL")
        db.close()
    assert seen[False] == seen[True]


def test_an_entry_for_a_question_the_set_no_longer_has_keeps_its_event(setup, tmp_path):
    """An entry whose question is not in the audit's set (one a later version of the set
    dropped), counted from its pack's base by an earlier re-import, is kept by the next
    re-import, which moves the base: the merge writes it out as the event it names
    (``pack_writes.build``'s ``held``), so it still reads as that event."""
    db, _ = setup
    run_import(db, write_csv(tmp_path / "1.csv", HEADER,
                             [[f"R{n}", "N", "Y", "", "CID"] for n in range(1, 21)]))
    # a re-import's short entry counted from the base (seq 0: the base itself), under a
    # question id the set does not have, as a dropped question would have left it
    r1 = rid(db, "R1")
    base = int(db.scalar("SELECT base_seq FROM answer_pack WHERE record_id = ?", (r1,)))
    with db.transaction():              # its slot after the set's (schema 12)
        db.execute("INSERT INTO pack_slot (audit_id, slot, question_id) SELECT audit_id, "
                   "MAX(slot) + 1, 'gone' FROM pack_slot GROUP BY audit_id")
        db.execute("UPDATE answer_pack SET pack = json_set(pack, '$[#]', json_array('Y', 0)) "
                   "WHERE record_id = ?", (r1,))
    before = db.one("SELECT value, event_seq FROM answer WHERE record_id = ? "
                    "AND question_id = 'gone'", (r1,))
    assert before == ("Y", base)
    run_import(db, write_csv(tmp_path / "2.csv", HEADER,
                             [[f"R{n}", "Y", "N", "", "None"] for n in range(1, 21)]))
    assert int(db.scalar("SELECT base_seq FROM answer_pack WHERE record_id = ?", (r1,))) > base
    assert db.one("SELECT value, event_seq FROM answer WHERE record_id = ? "
                  "AND question_id = 'gone'", (r1,)) == before
    assert answers(db, "R1") == {"1": "Y", "2": "N", "3": "None", "gone": "Y"}


@pytest.mark.parametrize("held", ["every pack", "the first pack", "half by the helper",
                                  "the first pack, cell by cell"])
@pytest.mark.parametrize("other_writes", [False, True])
def test_events_hashed_ahead_are_taken_only_on_the_head_they_were_hashed_on(
        setup, monkeypatch, tmp_path, other_writes, held):
    """The import's own event and its packs of events are hashed before the write lock
    (docs/performance.md, "The events hashed ahead of the lock"), those past what is held
    made ready again for it ("Packs of events held compressed"): under the lock they are taken
    where the chain's head is the one they were hashed on (each pack hashed once, before the
    lock), and hashed again where another writer's event came first; either way the history
    verifies."""
    db, path = setup
    qs = ws(db).question_set(get_audit(db, NAME))
    under_lock: list[bool] = [False]
    real_write = import_merge.Merge.write_prepared

    def write(self, *args):
        under_lock[0] = True
        return real_write(self, *args)
    monkeypatch.setattr(import_merge.Merge, "write_prepared", write)
    if other_writes:
        in_the_window(monkeypatch, path, lambda other: score(
            other, qs, rid(other, "R20"), "1", "N", "bob"))
    monkeypatch.setattr("reviewer.store.bundle.PACK_MIN", 0)
    monkeypatch.setattr("reviewer.store.merge.EVENT_BATCH", 7)
    if held.startswith("the first pack"):
        monkeypatch.setattr("reviewer.store.bundle_held.HELD_MAX", 1)
    if held.endswith("cell by cell"):       # the merge made cell by cell (merge_events.packs)
        monkeypatch.setattr("reviewer.store.merge_rows.start", lambda *args: None)
    helped: list[int] = []
    if held == "half by the helper":       # the packs from the third on made ready by it
        from reviewer.ops import import_packs
        from reviewer.store import halves_packs

        monkeypatch.setattr(halves, "MIN_ROWS", 1)
        monkeypatch.setattr(halves, "PROCESSORS", 2)
        monkeypatch.setattr(import_packs, "MIN_PACKS", 2)
        monkeypatch.setattr("reviewer.store.bundle_held.HELD_MAX", 1)
        real_read = halves_packs.read
        monkeypatch.setattr(halves_packs, "read", lambda path: (
            helped.append(pack[0]) or pack for pack in real_read(path)))
    made_under_lock: list[bool] = []        # a pack made ready (bundle.prepare), and when
    real_prepare = bundle.prepare
    monkeypatch.setattr(bundle, "prepare", lambda *args: made_under_lock.append(
        under_lock[0]) or real_prepare(*args))
    hashed: list[int] = []
    when: list[bool] = []
    real = bundle.chain_prepared
    monkeypatch.setattr(bundle, "chain_prepared",
                        lambda key, prev, first, made: hashed.append(first) or when.append(
                            under_lock[0]) or real(key, prev, first, made))
    changed = write_csv(tmp_path / "second.csv", HEADER,
                        [[f"R{n}", "N", "Y", "", "CID"] for n in range(1, 11)])
    assert run_import(db, changed).changed == 30
    events = checked(db)
    own = next(e for e in events if e.action == "import" and e.detail.startswith("second.csv"))
    assert own.detail.endswith("new=0 updated=10")
    # a pack's row is at its last event's seq: each one's first follows the row before
    lasts = [seq for (seq,) in db.all("SELECT seq FROM event WHERE bundle IS NOT NULL "
                                      "ORDER BY seq")]
    firsts = [own.seq + 1] + [seq + 1 for seq in lasts[:-1]]
    assert len(firsts) >= 2 and lasts[-1] == own.seq + 30
    if other_writes:        # hashed ahead on the head before bob's event, then again
        assert hashed == [seq - 1 for seq in firsts] + firsts
        assert when == [False] * len(firsts) + [True] * len(firsts)
    else:
        assert hashed == firsts
        assert when == [False] * len(firsts)
    # none made ready again under the lock: past what memory keeps, each is kept in a file
    # (the helper's, or the importing process's own: docs/performance.md, "Packs made ready
    # kept in a file"), read back to be hashed again
    assert made_under_lock and not any(made_under_lock)
    # (numbered before the lock: one less where bob's event came first)
    assert helped == ([seq - other_writes for seq in firsts[len(firsts) // 2:]]
                      if held == "half by the helper" else [])


def test_with_no_other_commit_the_records_are_not_compared_again(setup, monkeypatch, tmp_path):
    """Where no other connection committed since the merge read the records (the file's
    ``PRAGMA data_version`` the same), the merge is taken without comparing them again; the
    tests above hold that a commit meanwhile has them compared."""
    db, _ = setup
    real, asked = merge_check.unchanged, []

    def unchanged(db: Database) -> bool:
        scalar = db.scalar

        def seen(sql: str, *args, **kw):
            asked.append(sql)
            return scalar(sql, *args, **kw)
        monkeypatch.setattr(db, "scalar", seen)
        try:
            return real(db)
        finally:
            monkeypatch.setattr(db, "scalar", scalar)

    monkeypatch.setattr(merge_check, "unchanged", unchanged)
    written = in_the_window(monkeypatch, path=str(tmp_path / "r.db"), act=lambda other: None)
    run_import(db, write_csv(tmp_path / "second.csv", HEADER,
                             [[f"R{n}", "N", "Y", "", "CID"] for n in range(1, 11)]))
    assert written == [True] and asked and not any("record" in sql for sql in asked)
    checked(db)


@pytest.mark.parametrize("packs", [False, True])
def test_a_record_changed_as_the_helper_process_reads_is_merged_again(
        setup, monkeypatch, tmp_path, packs):
    """The merge made in halves (store.halves): a record the file names changed by another
    writer after the import's snapshot, just as the helper process starts its half (the
    working tables committed for it to read): the merge made before the lock is not taken;
    made again, it merges into that writer's answers."""
    db, path = setup
    qs = ws(db).question_set(get_audit(db, NAME))
    monkeypatch.setattr(halves, "MIN_ROWS", 1)
    monkeypatch.setattr(halves, "PROCESSORS", 2)
    if packs:
        monkeypatch.setattr("reviewer.store.bundle.PACK_MIN", 0)
    real, acted = db.commit_working, []

    def commit_working() -> bool:
        done = real()
        if done and not acted:
            acted.append(True)
            other = Database(path)
            try:
                score(other, qs, rid(other, "R4"), "2a", "Y", "bob")    # the file has no column
            finally:
                other.close()
        return done

    monkeypatch.setattr(db, "commit_working", commit_working)
    written = in_the_window(monkeypatch, path, lambda other: None)
    changed = write_csv(tmp_path / "second.csv", ["ref", "1", "3"],
                        [[f"R{n}", "N", "CID"] for n in range(1, 9)])
    result = run_import(db, changed)
    assert acted and written == [False, True] and (result.updated, result.changed) == (8, 16)
    checked(db)
    assert answers(db, "R4") == {"1": "N", "2": "Y", "2a": "Y", "3": "CID"}
    assert answers(db, "R5") == {"1": "N", "2": "Y", "2a": "N", "3": "CID"}


def test_a_field_name_another_import_added_has_the_merge_made_again(setup, monkeypatch,
                                                                    tmp_path):
    """The merge made before the lock placed the file's new field at the audit's next slot;
    another import gave that slot to a name of its own meanwhile: the merge is made again with
    the slots the lock gives, and every record has its fields by name (docs/performance.md,
    "Record fields by position")."""
    from tests.unit.helpers import stored_fields

    db, path = setup
    other_file = write_csv(tmp_path / "other.csv", ["ref", "operator"], [["R20", "OP-9"]])
    written = in_the_window(monkeypatch, path, lambda other: import_answers(
        other, get_audit(other, NAME), other_file, "bob"))
    changed = write_csv(tmp_path / "second.csv", [*HEADER, "area"],
                        [[f"R{n}", "N", "Y", "", "CID", f"Area {n}"] for n in range(1, 11)])
    result = run_import(db, changed)
    # the other import's merge written; this one's found stale, then made again before the
    # lock with the slots as they now are, and written
    assert written == [True, False, True] and (result.updated, result.changed) == (10, 30)
    assert db.all("SELECT slot, name FROM field_slot ORDER BY slot") == [(0, "operator"),
                                                                        (1, "area")]
    assert stored_fields(db, "R3") == {"area": "Area 3"}
    assert stored_fields(db, "R20") == {"operator": "OP-9"}
    assert db.scalar("SELECT fields FROM record WHERE ref = 'R3'") == '[null,"Area 3"]'
    checked(db)
