"""SQLite: after a re-import each stored answer still names the event that gave it (docs/
performance.md, "Entries counted from their record's own base"): a record whose answers the
import changes counts its entries from a base of its own (small numbers), one given an answer
to a blank cell from the import's seq, and an entry kept through a later re-import is made its
own seq. ``verify`` compares answers, not the events they name: this test does. Real SQLite
files, real CSV files, imports in-process one after another."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from reviewer.store import pack_writes
from tests.actions import create_audit, import_answers
from tests.unit.races import QUESTIONS, refs, write_set

ASKED = QUESTIONS[:5]
ROWS = refs("B", 40)


def table(path: Path, cells: dict[tuple[str, str], str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["ref", *ASKED])
        for ref in ROWS:
            out.writerow([ref, *(cells[ref, q] for q in ASKED)])


def stored_events(db, audit_id: int) -> dict[tuple[str, str], int]:
    """Each given answer's event as the packs name it."""
    rows = pack_writes.unpacked("record_id, question_id, state, value, event_seq",
                                "+p.audit_id = ?")
    refs_of = dict(db.all("SELECT id, ref FROM record WHERE audit_id = ?", (audit_id,)))
    return {(refs_of[rid], qid): seq for rid, qid, state, _, seq in
            db.all(f"SELECT * FROM ({rows}) WHERE state IN (1, 2)", (audit_id,))}


def history(db, audit_id: int) -> list[tuple[int, str, str | None, str | None]]:
    """(seq, action, ref, question) of every event, packed ones unpacked."""
    from reviewer.store.bundle import unpack

    found = []
    for seq, action, ref, question, blob in db.all(
            "SELECT seq, action, ref, question, bundle FROM event WHERE audit_id = ? "
            "ORDER BY seq", (audit_id,)):
        if blob is None:
            found.append((seq, action, ref, question))
            continue
        first, items = unpack(blob)
        found += [(first + i, item[0], item[1], item[2]) for i, item in enumerate(items)]
    return found


def test_each_answer_names_its_event_after_re_imports(tmp_path, db):
    audit = create_audit(db, "Bases", write_set(tmp_path))
    rnd = random.Random(3)
    want: dict[tuple[str, str], int] = {}
    now: dict[tuple[str, str], str] = {(r, q): "" for r in ROWS for q in ASKED}
    # the first file leaves blanks; each later one changes some answers, fills some blanks,
    # clears a few and leaves whole records alone (a record a time: its own base or not)
    for step in range(4):
        cells = dict(now)
        for ref in ROWS:
            kind = rnd.random()
            for q in ASKED:
                if step == 0:
                    cells[ref, q] = rnd.choice(["", "Y", "N"])
                elif kind < 0.4:                       # every answer changed
                    cells[ref, q] = {"Y": "N", "N": "Y", "": "Y"}[now[ref, q]]
                elif kind < 0.7 and rnd.random() < 0.5:   # a few changed, blanks filled
                    cells[ref, q] = rnd.choice(["", "Y", "N"])
        path = tmp_path / f"step{step}.csv"
        table(path, cells)
        before = {s for s, *_ in history(db, audit.id)}
        import_answers(db, audit, path)
        events = [e for e in history(db, audit.id) if e[0] not in before]
        own = next(s for s, action, *_ in events if action == "import")
        changed = {(ref, q): s for s, action, ref, q in events if action == "answer"}
        for key, value in cells.items():
            if not value:
                want.pop(key, None)
            elif key in changed:
                want[key] = changed[key]
            elif not now[key]:
                want[key] = own                       # given by the import's own event
        now = cells
        assert stored_events(db, audit.id) == want, f"after import {step}"
    own_base = 0
    for (pack,) in db.all("SELECT pack FROM answer_pack WHERE audit_id = ?", (audit.id,)):
        counted = [e[1] for e in json.loads(pack)
                   if isinstance(e, list) and len(e) == 2 and e[1] <= 0]
        if counted and 0 not in counted:          # none given: counted from its own base
            assert min(counted) >= -len(ASKED), pack
            own_base += 1
    assert own_base >= 5
