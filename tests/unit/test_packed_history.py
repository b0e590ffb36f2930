"""Packed history events (docs/evidence.md, "Packed events"): a large import's changed answers
are stored a pack of events per row, and everything that reads the history reads them as the
events they are — ``history`` (all, ``--ref``, the access log's filters), ``verify`` (every hash,
a tampered pack, a deleted pack, an answer changed behind the program's back) and disposal —
on SQLite and PostgreSQL. Packs are forced on small files by lowering ``bundle.PACK_MIN`` and
``merge.EVENT_BATCH`` in this process (real files, real databases)."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.ops import dispose, team
from reviewer.store import bundle, chain, history, verify
from reviewer.store.audits import get_audit
from reviewer.store.db import Database
from tests.actions import create_audit, import_answers, ws
from tests.unit.helpers import write_set
from tests.unit.test_reimport_property import (
    CASE_FIRST,
    CASE_SECOND,
    NAME,
    PREV,
    WHO,
    packed,
    text,
    write,
)


def imported(target: str, folder: Path, pack: bool) -> Database:
    """An audit given CASE_FIRST, then CASE_SECOND (answers changed and cleared by a
    condition, notes changed and cleared, a new record), packed or not."""
    db = Database(target)
    create_audit(db, NAME, write_set(folder))
    audit = get_audit(db, NAME)
    import_answers(db, audit, write(folder / "first.csv", *CASE_FIRST))
    with packed(pack):
        import_answers(db, audit, write(folder / "second.csv", *CASE_SECOND))
    return db


def shown(db: Database, ref: str | None = None, actions: tuple[str, ...] | None = None
          ) -> list[tuple]:
    audit = get_audit(db, NAME)
    return [(e.seq, e.action, e.ref, e.question, e.before, e.after, e.detail, e.login)
            for e in history.events(db, audit.id, ref, actions)]


def linked(db: Database) -> None:
    """Each event's prev is the hash of the one before; verify recomputes them all."""
    audit = get_audit(db, NAME)
    found = history.events(db, audit.id)
    for before, after in zip(found, found[1:], strict=False):
        assert after.prev == before.hash and after.hash and len(after.hash) == 64
    done = verify.verify_chain(db, audit.id)
    assert done.events == len(found) and done.head_hex == found[-1].hash
    verify.replay_answers(db, audit.id)


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> Iterator[tuple[str, str]]:
    if request.param == "sqlite":
        yield str(tmp_path / "plain.db"), str(tmp_path / "packed.db")
    else:
        from tests.unit.pg import _admin

        port = request.getfixturevalue("pg_port")
        names = [f"t_{uuid.uuid4().hex[:16]}" for _ in range(2)]
        with _admin(port) as conn:
            for name in names:
                conn.execute(f'CREATE DATABASE "{name}"')
        yield tuple(f"postgresql+psycopg://postgres@127.0.0.1:{port}/{n}" for n in names)
        with _admin(port) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_packed_events_read_as_the_events_they_are(target, tmp_path):
    plain_dir, packed_dir = tmp_path / "a", tmp_path / "b"
    plain_dir.mkdir()
    packed_dir.mkdir()
    plain, pack = imported(target[0], plain_dir, False), imported(target[1], packed_dir, True)
    try:
        assert not pack.scalar("SELECT COUNT(*) FROM event WHERE bundle IS NULL AND "
                               "action IN ('answer', 'note')")
        assert pack.scalar("SELECT COUNT(*) FROM event WHERE bundle IS NOT NULL") >= 2
        assert not plain.scalar("SELECT COUNT(*) FROM event WHERE bundle IS NOT NULL")
        assert shown(pack) == shown(plain)
        assert {a for _, a, *_ in shown(pack)} >= {"import", "answer", "note"}
        for ref in ("R1", "R2", "R3", "R9", "nobody"):
            assert shown(pack, ref) == shown(plain, ref)
        for actions in (("note",), ("answer",), ("view", "export"), ("import", "note")):
            assert shown(pack, None, actions) == shown(plain, None, actions)
        linked(pack)
        linked(plain)
    finally:
        plain.close()
        pack.close()


def _sqlite_tamper(path: str, sql: str, params: tuple = ()) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER event_no_update")
    conn.execute("DROP TRIGGER event_no_delete")
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def _pack_rows(path: str) -> list[tuple[int, bytes]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT seq, bundle FROM event WHERE bundle IS NOT NULL "
                            "ORDER BY seq").fetchall()
    finally:
        conn.close()


def test_a_pack_changed_or_deleted_behind_the_programs_back_is_found(tmp_path):
    path = str(tmp_path / "r.db")
    imported(path, tmp_path, True).close()
    seq, blob = _pack_rows(path)[0]
    first, items = bundle.unpack(blob)
    items[-1][4] = "forged"                      # the last packed event's "before"
    _sqlite_tamper(path, "UPDATE event SET bundle = ? WHERE seq = ?",
                   (bundle.pack(first, items), seq))
    db = Database(path)
    with pytest.raises(verify.ChainBroken) as e:
        verify.verify_chain(db, get_audit(db, NAME).id)
    assert e.value.line == f"broken at event {first}: changed"
    db.close()

    path2 = str(tmp_path / "r2.db")
    (tmp_path / "c").mkdir()
    imported(path2, tmp_path / "c", True).close()
    rows = _pack_rows(path2)
    seq, blob = rows[1]
    _sqlite_tamper(path2, "DELETE FROM event WHERE seq = ?", (seq,))
    db = Database(path2)
    with pytest.raises(verify.ChainBroken) as e:
        verify.verify_chain(db, get_audit(db, NAME).id)
    assert e.value.line == f"broken at event {bundle.unpack(blob)[0]}: missing"
    db.close()


def test_an_answer_a_pack_gave_changed_behind_the_programs_back_is_found(tmp_path):
    path = str(tmp_path / "r.db")
    db = imported(path, tmp_path, True)
    audit = get_audit(db, NAME)
    last = [e for e in history.events(db, audit.id, "R1") if e.action == "answer"
            and e.after not in (None, "n/a")][-1]
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE answer SET value = 'forged' WHERE question_id = ? AND record_id = "
                 "(SELECT id FROM record WHERE ref = 'R1')", (last.question,))
    conn.commit()
    conn.close()
    db = Database(path)
    with pytest.raises(verify.ChainBroken) as e:
        verify.replay_answers(db, audit.id)
    assert e.value.seq == last.seq and e.value.kind == "changed"
    db.close()


def test_disposal_seals_packs_and_the_chain_still_verifies(target, tmp_path):
    db = imported(target[1], tmp_path, True)
    try:
        audit = get_audit(db, NAME)
        before = shown(db)
        w = ws(db)
        team.sign_off(w, audit.id)
        dispose.dispose(w, audit.id, "end of retention", force=True)
        after = shown(db)
        assert len(after) == len(before) + 2          # sign-off, dispose
        for was, now in zip(before, after, strict=False):
            seq, action, ref, question, old, new, detail, _ = was
            if action in ("answer", "note"):
                assert now[2].startswith("P-") and now[2] != ref
                assert now[4:6] == ((None, None) if action == "note" else (old, new))
                assert now[3] == question and now[6] == detail
        assert db.scalar("SELECT COUNT(*) FROM event_seal WHERE bundle IS NOT NULL") >= 2
        assert not db.scalar("SELECT COUNT(*) FROM event WHERE bundle IS NOT NULL AND "
                             "salt IS NOT NULL")
        linked(db)
        pseudonym = after[-3][2] if after[-3][2] else None
        if pseudonym:
            assert [e[0] for e in shown(db, pseudonym)] == [
                e[0] for e in after if e[2] == pseudonym]
    finally:
        db.close()


@settings(max_examples=200, deadline=None)
@given(audit_id=st.integers(0, 10**6), first=st.integers(1, 10**9), who=WHO,
       items=st.lists(st.tuples(st.sampled_from(["answer", "note"]), text,
                                st.one_of(st.none(), st.text(max_size=6)), text, text,
                                st.text(max_size=12)), min_size=1, max_size=6),
       prev=PREV, salt=st.binary(min_size=16, max_size=16))
def test_a_packed_event_hashes_what_canonical_writes(audit_id, first, who, items, prev, salt):
    """Each packed event's hash is SHA-256(prev ‖ ``chain.canonical``) with its texts committed
    under the pack's salt, for any text; the sealed commitments give the same hashes."""
    at, login, reviewer = who
    got = list(bundle.hashes(audit_id, at, login, reviewer, prev, first, items, salt))
    want, p = [], prev
    for i, (action, ref, question, before, after, detail) in enumerate(items):
        body = chain.canonical(audit_id, first + i, at, login, reviewer, action, question,
                               chain.commitments(salt, ref, before, after, detail), None)
        p = chain.event_hash(p, body)
        want.append(p)
    assert got == want
    seals = bundle.unpack_seals(bundle.pack_seals([bundle.Commits(salt).of(i) for i in items]))
    assert list(bundle.hashes(audit_id, at, login, reviewer, prev, first, items,
                              seals=seals)) == want
    assert bundle.unpack(bundle.pack(first, items)) == (first, [list(i) for i in items])
    assert hashlib.sha256(salt).digest() not in got


def test_history_that_is_not_compressed_is_the_chain_broken_not_a_traceback(tmp_path):
    """Bytes that do not decompress where an import's rows or a pack's sealed commitments
    belong (written behind the program's back) are the chain broken at that event, with a
    reason: zlib's own error is never let out of ``verify``."""
    path = str(tmp_path / "r.db")
    db = imported(path, tmp_path, True)
    audit = get_audit(db, NAME)
    seq = db.scalar("SELECT MIN(seq) FROM event WHERE audit_id = ? AND rows IS NOT NULL",
                    (audit.id,))
    db.close()
    _sqlite_tamper(path, "UPDATE event SET rows = ? WHERE seq = ?", (b"not zlib", seq))
    db = Database(path)
    with pytest.raises(verify.ChainBroken) as e:
        verify.replay_answers(db, audit.id)
    assert e.value.seq == seq and "rows cannot be read" in str(e.value)
    db.close()

    path2 = str(tmp_path / "r2.db")
    (tmp_path / "c").mkdir()
    db = imported(path2, tmp_path / "c", True)
    audit = get_audit(db, NAME)
    team.sign_off(ws(db), audit.id)
    dispose.dispose(ws(db), audit.id, "end of retention", force=True)
    seq = db.scalar("SELECT MIN(seq) FROM event_seal WHERE bundle IS NOT NULL")
    first = bundle.unpack(db.scalar("SELECT bundle FROM event WHERE seq = ?", (seq,)))[0]
    db.close()
    conn = sqlite3.connect(path2)
    for name in [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE "
                                            "type = 'trigger' AND tbl_name = 'event_seal'")]:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE event_seal SET bundle = ? WHERE seq = ?", (b"not zlib", seq))
    conn.commit()
    conn.close()
    db = Database(path2)
    with pytest.raises(verify.ChainBroken) as e:
        verify.verify_chain(db, audit.id)
    assert e.value.line.startswith(f"broken at event {first}: changed")
    db.close()
