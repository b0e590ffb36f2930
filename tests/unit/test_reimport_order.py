"""A re-import whose rows are in another order than the audit's records (docs/performance.md,
"A re-import in another order"): SQLite's merge reads the matched records in their own order
and keeps them by the file's row, PostgreSQL writes the answers in the records' order. What is
stored and the history written are those of the same rows in the records' order, on both
engines: answers, who gave them, fields, completeness, every answer event, and a chain that
verifies and replays."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from reviewer.store import history
from reviewer.store.audits import get_audit
from reviewer.store.verify import replay_answers, verify_chain
from tests.actions import create_audit, import_answers
from tests.unit.races import QUESTIONS, answer_for, open_db, refs, stored, write_answers, write_set

ASKED = QUESTIONS[:8]


def _changed(path: Path, rows: list[str]) -> Path:
    """The second file: other answers, some blank or n/a, and other areas for some records."""
    path.parent.mkdir(exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["ref", *ASKED, "area"])
        for ref in rows:
            cells = []
            for q in ASKED:
                pick = (int(ref[-6:]) * 11 + ord(q)) % 7
                cells.append("" if pick == 0 else "n/a" if pick == 1 else answer_for(1, ref, q))
            out.writerow([ref, *cells, "South" if int(ref[-6:]) % 3 else "North"])
    return path


def _state(db, name: str) -> tuple:
    audit = get_audit(db, name)
    records = sorted(db.all("SELECT ref, fields, complete FROM record WHERE audit_id = ?",
                            (audit.id,)))
    answers = sorted((e.ref, e.question, e.before, e.after, e.detail)
                     for e in history.events(db, audit.id) if e.action == "answer")
    verify_chain(db, audit.id)
    replay_answers(db, audit.id)
    return stored(db, name), records, answers


def test_a_shuffled_reimport_stores_what_the_same_rows_in_order_store(target, tmp_path):
    rows = refs("R", 80)
    base = tmp_path / "base.csv"
    write_answers(base, rows, ASKED, salt=0, extra={"area": "North"})
    second = rows[5:] + refs("N", 10)          # some records left out, ten new ones
    shuffled = list(second)
    random.Random(4).shuffle(shuffled)
    assert sum(a > b for a, b in zip(shuffled, shuffled[1:], strict=False)) > len(shuffled) // 3
    set_path = write_set(tmp_path)
    with open_db(target) as db:
        for name, order in (("Ordered", second), ("Shuffled", shuffled)):
            audit = create_audit(db, name, set_path)
            import_answers(db, audit, base)
            import_answers(db, audit, _changed(tmp_path / name / "changed.csv", order))
        ordered, shuffled_state = _state(db, "Ordered"), _state(db, "Shuffled")
    assert shuffled_state == ordered
    answers, records, events = ordered
    assert len(records) == 90 and len(events) > 200
    assert {v for v, _ in answers.values()} >= {"Y", "N", "n/a"}
    assert {f for _, f, _ in records} >= {'["North"]', '["South"]'}
