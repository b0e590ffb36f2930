"""Packed history events tried as a user and as an attacker would (docs/evidence.md, "Packed
events"; docs/contracts.md §6, §11), through the ``reviewer`` command run as a subprocess on
real SQLite files and a real PostgreSQL server: a packed re-import reads exactly as the same
re-import unpacked (every event once, in seq order, linked, texts with every separator
character round-tripping); a pack or its record list edited behind the program's back is
found by ``verify`` with the right kind; the list is append-only; disposal after a packed
re-import leaves no text behind and the figures unchanged."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.store import bundle
from tests.unit import packed_cli as pc
from tests.unit.test_packed_history import target  # noqa: F401 - two databases per engine

STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _texts(db: str, *args: str) -> str:
    return STAMP.sub("T", pc.rv(db, *args).stdout)


def test_a_packed_reimport_reads_as_the_same_reimport_unpacked(target, tmp_path):  # noqa: F811
    n = 40
    plain, packed = target
    for db, consts, sub in ((plain, pc.PLAIN, "a"), (packed, pc.SMALL, "b")):
        (tmp_path / sub).mkdir()
        pc.audit_with_packs(db, tmp_path / sub, n, consts)
    events = pc.history(packed)
    assert pc.content(events) == pc.content(pc.history(plain))
    pc.linked(events)
    pc.verified(packed, len(events))
    pc.verified(plain, len(events))
    assert _texts(packed, "history", pc.AUDIT) == _texts(plain, "history", pc.AUDIT)
    assert _texts(packed, "access", pc.AUDIT, "--format", "json") == \
        _texts(plain, "access", pc.AUDIT, "--format", "json")
    second = dict((row[0], row) for row in pc.second_rows(n))
    for i, ref in list(enumerate(pc.refs(n)))[:len(pc.ODD) + 1]:     # each odd kind of ref
        mine = pc.history(packed, "--ref", ref)
        assert pc.content(mine) == pc.content(pc.history(plain, "--ref", ref))
        assert [e["seq"] for e in mine] == [e["seq"] for e in events if e["ref"] == ref]
        assert _texts(packed, "history", pc.AUDIT, "--ref", ref) == \
            _texts(plain, "history", pc.AUDIT, "--ref", ref)
        notes = {e["question"]: (e["before"], e["after"]) for e in mine if e["action"] == "note"}
        note = second[ref][9] or None
        assert notes["1"] == (f"note\n{i}\x1e\x1f end", note)
        text = [(e["before"], e["after"]) for e in mine if e["action"] == "answer"
                and e["question"] == "5"]
        assert text[0][1] == second[ref][8]
        assert text[0][0].startswith(f"text {i}\nli\x1ene2\tx\x1fy\x1dz\\\"q',")
    assert pc.history(packed, "--ref", pc.refs(n)[0][:-1]) == []      # a prefix names no record


def test_packs_of_the_shipped_size(tmp_path):
    """1,100 records changed: the shipped constants pack the re-import (over 1,000 changed
    cells, 5,000 a pack), and it reads as the same re-import unpacked."""
    packed, plain = str(tmp_path / "packed.db"), str(tmp_path / "plain.db")
    (tmp_path / "p").mkdir()
    (tmp_path / "q").mkdir()
    pc.audit_with_packs(packed, tmp_path / "p", 1100, pc.DEFAULT)
    pc.audit_with_packs(plain, tmp_path / "q", 1100, pc.PLAIN)
    with sqlite3.connect(packed) as conn:
        assert conn.execute("SELECT COUNT(*) FROM event WHERE bundle IS NOT NULL").fetchone()[0] \
            >= 2
    events = pc.history(packed)
    assert pc.content(events) == pc.content(pc.history(plain))
    pc.linked(events)
    pc.verified(packed, len(events))
    for ref in pc.refs(1100)[1000:1012]:
        assert pc.content(pc.history(packed, "--ref", ref)) == \
            pc.content(pc.history(plain, "--ref", ref))


# -- tampering: the table's owner drops the append-only triggers and edits -------------------
@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[str, list[tuple[int, int, bytes]]]:
    """A SQLite file with a packed re-import; its packs (row seq, first seq, bytes)."""
    folder = tmp_path_factory.mktemp("base")
    db = str(folder / "base.db")
    pc.audit_with_packs(db, folder, 12, pc.SMALL)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT seq, bundle FROM event WHERE bundle IS NOT NULL "
                            "ORDER BY seq").fetchall()
    return db, [(seq, bundle.unpack(blob)[0], blob) for seq, blob in rows]


def _edit_pack(blob: bytes, change) -> bytes:
    first, items = bundle.unpack(blob)
    change(items)
    return bundle.pack(first, items)


def _text_of(blob: bytes) -> str:
    return zlib.decompress(blob).decode()


TAMPER = {  # name: (statements given the packs, expected line given the packs)
    "a byte of a pack": (
        lambda p: [("UPDATE event SET bundle = ? WHERE seq = ?",
                    (p[1][2][:20] + bytes([p[1][2][20] ^ 1]) + p[1][2][21:], p[1][0]))],
        lambda p: f"broken at event {p[1][1]}: changed"),
    "two packs swapped": (
        lambda p: [("UPDATE event SET bundle = ? WHERE seq = ?", (p[2][2], p[1][0])),
                   ("UPDATE event SET bundle = ? WHERE seq = ?", (p[1][2], p[2][0]))],
        lambda p: f"broken at event {p[1][1]}: changed"),
    "a pack deleted": (
        lambda p: [("DELETE FROM event WHERE seq = ?", (p[1][0],))],
        lambda p: f"broken at event {p[1][1]}: missing"),
    "the last pack deleted": (
        lambda p: [("DELETE FROM event WHERE seq = ?", (p[-1][0],))],
        lambda p: f"broken at event {p[-1][1]}: missing"),
    "a pack's record rows deleted": (
        lambda p: [("DELETE FROM event_bundle_record WHERE seq = ? AND record_id = (SELECT "
                    "MIN(record_id) FROM event_bundle_record WHERE seq = ?)", (p[2][0], p[2][0]))],
        lambda p: f"broken at event {p[2][1]}: changed"),
    "every record row deleted": (
        lambda p: [("DELETE FROM event_bundle_record", ())],
        lambda p: f"broken at event {p[0][1]}: changed"),
    "a record row moved to another pack": (
        lambda p: [("UPDATE event_bundle_record SET seq = ? WHERE seq = ? AND record_id NOT IN "
                    "(SELECT record_id FROM event_bundle_record WHERE seq = ?)",
                    (p[3][0], p[1][0], p[3][0]))],
        lambda p: f"broken at event {p[1][1]}: changed"),
    "a record row added": (
        lambda p: [("INSERT INTO event_bundle_record (audit_id, record_id, seq) SELECT audit_id, "
                    "record_id, ? FROM event_bundle_record WHERE seq = ? AND record_id NOT IN "
                    "(SELECT record_id FROM event_bundle_record WHERE seq = ?) LIMIT 1",
                    (p[4][0], p[0][0], p[4][0]))],
        lambda p: f"broken at event {p[4][1]}: changed"),
    "a pack's bytes truncated": (
        lambda p: [("UPDATE event SET bundle = ? WHERE seq = ?", (p[1][2][:-9], p[1][0]))],
        lambda p: f"broken at event {p[1][1]}: changed"),
    "a pack's text truncated": (
        lambda p: [("UPDATE event SET bundle = ? WHERE seq = ?",
                    (zlib.compress(_text_of(p[1][2])[:-30].encode()), p[1][0]))],
        lambda p: f"broken at event {p[1][1]}: changed"),
    "a packed answer changed": (
        lambda p: [("UPDATE event SET bundle = ? WHERE seq = ?",
                    (_edit_pack(p[1][2], lambda items: items[0].__setitem__(4, "forged")),
                     p[1][0]))],
        lambda p: f"broken at event {p[1][1]}: changed"),
    "a packed ref made a number": (
        lambda p: [("UPDATE event SET bundle = ? WHERE seq = ?",
                    (_edit_pack(p[1][2], lambda items: items[0].__setitem__(1, 7)), p[1][0]))],
        lambda p: f"broken at event {p[1][1]}: changed"),
    "a packed question made a list": (
        lambda p: [("UPDATE event SET bundle = ? WHERE seq = ?",
                    (_edit_pack(p[1][2], lambda items: items[-1].__setitem__(2, ["1"])),
                     p[1][0]))],
        lambda p: f"broken at event {p[1][1]}: changed"),
    "a pack's salt removed": (
        lambda p: [("UPDATE event SET salt = NULL WHERE seq = ?", (p[1][0],))],
        lambda p: f"broken at event {p[1][1]}: changed"),
}


@pytest.mark.parametrize("case", sorted(TAMPER))
def test_a_pack_tampered_with_is_found(base, tmp_path, case):
    src, packs = base
    assert len(packs) >= 5
    db = str(tmp_path / "t.db")
    shutil.copy(src, db)
    statements, line = TAMPER[case]
    with sqlite3.connect(db) as conn:
        for trigger in ("event_no_update", "event_no_delete", "event_bundle_record_no_update",
                        "event_bundle_record_no_delete"):
            conn.execute(f"DROP TRIGGER {trigger}")
        for sql, params in statements(packs):
            assert conn.execute(sql, params).rowcount >= 1
    done = pc.rv(db, "verify", pc.AUDIT, ok=False)
    assert (done.returncode, done.stdout) == (1, line(packs) + "\n"), done.stderr
    assert done.stderr.count("\n") == 1
    for args in ((), ("--ref", pc.refs(12)[3])):      # one line, never a traceback (pc.rv checks)
        shown = pc.rv(db, "history", pc.AUDIT, *args, ok=False)
        assert shown.returncode == 0 or shown.stderr.count("\n") == 1


def test_an_answer_a_packed_event_gave_changed_is_found(base, tmp_path):
    src, _ = base
    db = str(tmp_path / "t.db")
    shutil.copy(src, db)
    ref = pc.refs(12)[5]
    gave = [e for e in pc.history(db, "--ref", ref) if e["action"] == "answer"
            and e["question"] == "3"][-1]
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE answer SET value = 'None' WHERE question_id = '3' AND record_id = "
                     "(SELECT id FROM record WHERE ref = ?)", (ref,))
    done = pc.rv(db, "verify", pc.AUDIT, ok=False)
    assert (done.returncode, done.stdout) == (1, f"broken at event {gave['seq']}: changed\n")


def test_the_record_list_of_packs_refuses_update_and_delete(base, target, tmp_path):  # noqa: F811
    db = str(tmp_path / "t.db")
    shutil.copy(base[0], db)
    with sqlite3.connect(db) as conn:
        for sql in ("UPDATE event_bundle_record SET seq = seq + 1",
                    "DELETE FROM event_bundle_record"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
    url = target[1]
    if not url.startswith("postgresql"):
        return
    import psycopg

    pc.audit_with_packs(url, tmp_path, 6, pc.SMALL)
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"),
                         autocommit=True) as conn:      # the superuser: triggers still fire
        for sql in ("UPDATE event_bundle_record SET seq = seq + 1",
                    "DELETE FROM event_bundle_record", "TRUNCATE event_bundle_record"):
            with pytest.raises(psycopg.Error, match="append-only"):
                conn.execute(sql)
        assert conn.execute("SELECT COUNT(*) FROM event_bundle_record").fetchone()[0] > 0


_text = st.one_of(st.none(), st.text(max_size=10))


@settings(max_examples=150, deadline=None)
@given(first=st.integers(1, 10**9),
       items=st.lists(st.tuples(st.sampled_from(["answer", "note"]), _text, _text, _text, _text,
                                st.text(max_size=10)).map(list), min_size=1, max_size=6))
def test_a_pack_reads_back_as_written_and_no_other_format(first, items):
    """A pack reads back as the events written, for any texts; a pack of another format, or
    a JSON list of the events, is refused."""
    assert bundle.unpack(bundle.pack(first, items)) == (first, items)
    for other in (zlib.compress(json.dumps([1, first, items]).encode()),
                  zlib.compress(f"2,{first}{bundle.START}".encode())):
        with pytest.raises(ValueError):
            bundle.unpack(other)


def test_a_pack_tampered_with_on_postgresql_is_found(pg_url, tmp_path):
    """The owner (here the superuser) drops the append-only triggers and edits: a pack's
    record rows deleted, then the last pack deleted."""
    import psycopg

    pc.audit_with_packs(pg_url, tmp_path, 8, pc.SMALL)
    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql"),
                         autocommit=True) as conn:
        packs = [(seq, bundle.unpack(blob)[0]) for seq, blob in conn.execute(
            "SELECT seq, bundle FROM event WHERE bundle IS NOT NULL ORDER BY seq").fetchall()]
        conn.execute("ALTER TABLE event_bundle_record DISABLE TRIGGER USER")
        conn.execute("DELETE FROM event_bundle_record WHERE seq = %s", (packs[1][0],))
        done = pc.rv(pg_url, "verify", pc.AUDIT, ok=False)
        assert (done.returncode, done.stdout) == (1, f"broken at event {packs[1][1]}: changed\n")
        conn.execute("ALTER TABLE event DISABLE TRIGGER USER")
        conn.execute("DELETE FROM event WHERE seq = %s", (packs[-1][0],))
        done = pc.rv(pg_url, "verify", pc.AUDIT, ok=False)
        assert (done.returncode, done.stdout) == (1, f"broken at event {packs[-1][1]}: missing\n")
