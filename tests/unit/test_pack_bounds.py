"""SQLite's packs without an audit index (schema 14, docs/performance.md, "Packs without their
audit index"): reads of one audit among others look only between the audit's record ids
(``store.packs.bounds``), or at the whole table where the audit holds half of it, and give
exactly that audit's answers however the audits' records interleave."""

from __future__ import annotations

import random
from pathlib import Path

from reviewer.store import packs
from reviewer.store.counts import audit_answers, tally_rows
from reviewer.store.db import Database
from tests.actions import create_audit, import_answers
from tests.unit.helpers import write_csv, write_set

QUESTIONS = ["q1", "q2", "q3"]


def _set(folder: Path) -> Path:
    lines = ["id: b", "title: B", "version: 1", "sections:", "  - id: a", "    title: A",
             "questions:"]
    for q in QUESTIONS:
        lines += [f"  - id: {q}", "    section: a", f"    text: {q}?", "    type: yes_no"]
    return write_set(folder, "\n".join(lines) + "\n")


def _file(folder: Path, name: str, refs: range, seed: int) -> tuple[Path, dict]:
    rnd = random.Random(seed)
    rows = [[f"R{i}", *(rnd.choice(["Y", "N", "n/a", ""]) for _ in QUESTIONS)] for i in refs]
    expected: dict = {}
    for _, *cells in rows:
        for q, cell in zip(QUESTIONS, cells, strict=True):
            if cell:
                key = (q, 2 if cell == "n/a" else 1, None if cell == "n/a" else cell)
                expected[key] = expected.get(key, 0) + 1
    return write_csv(folder / name, ["ref", *QUESTIONS], rows), expected


def _counts(db: Database, audit_id: int) -> dict:
    return {(q, int(s), v): int(n) for q, s, v, n in tally_rows(db, audit_id)}


def test_bounds_and_reads_among_other_audits(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "b.db"))
    sets = _set(tmp_path)
    made = {name: create_audit(db, name, sets) for name in ("Big", "Small", "Late")}
    big, small, late = (made[name].id for name in ("Big", "Small", "Late"))
    expected: dict[int, dict] = {big: {}, small: {}, late: {}}
    # Big's records first, then Small's, then more of Big's and Late's: interleaved ids
    for n, (audit, refs) in enumerate([(big, range(0, 300)), (small, range(0, 40)),
                                       (big, range(300, 400)), (late, range(0, 30))]):
        path, counts = _file(tmp_path, f"{n}.csv", refs, n)
        import_answers(db, next(a for a in made.values() if a.id == audit), path)
        for key, value in counts.items():
            expected[audit][key] = expected[audit].get(key, 0) + value
    ids = {a: [r[0] for r in db.all("SELECT id FROM record WHERE audit_id = ? ORDER BY id",
                                    (a,))] for a in (big, small, late)}
    top = db.scalar("SELECT MAX(record_id) FROM answer_pack")
    assert packs.bounds(db, big) == (0, top)                   # most of the table: all of it
    assert packs.bounds(db, small) == (ids[small][0], ids[small][-1])
    assert packs.bounds(db, late) == (ids[late][0], ids[late][-1])
    assert packs.bounds(db, 999) == (0, -1)                    # no records: nothing
    for audit in (big, small, late):
        read = [rid for rids, _, _ in packs.read(db, audit) for rid in rids]
        with_answers = {r[0] for r in db.all("SELECT record_id FROM answer_pack WHERE "
                                             "audit_id = ?", (audit,))}
        assert read == sorted(with_answers)
        assert _counts(db, audit) == expected[audit]
        through_view = db.all("SELECT question_id, state, value, COUNT(*) FROM answer WHERE "
                              f"{audit_answers(db, audit)} GROUP BY 1, 2, 3", (audit,))
        assert {(q, int(s), v): int(n) for q, s, v, n in through_view} == expected[audit]
    assert "index" not in str(db.all("SELECT name FROM sqlite_master WHERE type = 'index' "
                                     "AND tbl_name = 'answer_pack'"))
    db.close()
