"""SQLite: the history events and the given answers of an import's merge made a record at a
time (``store.merge_rows``; docs/performance.md, "The merge a record at a time"), read from its
table of changed records: the events' text a pack of whole records at a time, as
``store.merge_events.packs`` gives it, and the answers given to blank cells, as
``store.import_rows.changed_given`` lists them."""

from __future__ import annotations

import json
from collections.abc import Iterator

from reviewer.store.chain import listed, pack_parts
from reviewer.store.db import Database
from reviewer.store.import_rows import NewRows
from reviewer.store.merge import label_sql
from reviewer.store.merge_rows import REC, Plan

GIVEN_RECORDS = 20_000  # records whose given answers are listed at a time


def packs(db: Database, plan: Plan, first_seq: int, detail: str,
          batch: int) -> Iterator[tuple[int, str, list[int]]]:
    """The events a pack of whole records at a time (at most ``batch`` events, unless one
    record has more), as ``store.merge_events.packs`` gives them: the first one's seq, the
    events' text (``bundle.element`` each, joined by ``bundle.EVENT``) and the records named.
    A cell's ``answer`` event comes before its ``note`` event."""
    sql, params = listing(plan, detail)
    for seq, low, high in bounds(db, first_seq, batch):
        yield pack(db, sql, params, seq, low, high)


def listing(plan: Plan, detail: str) -> tuple[str, list[str]]:
    """The SQL that lists one pack's events' text and records (its parameters: ``params``
    then the pack's first and last record key), and ``params``."""
    n = len(plan.questions)
    # an element: its ref (the record's head), then [action, question, before, after,
    # detail] with the parts that are the same for every record given: ?k + 1 and ?n + k + 1
    # up to the question (an answer's, a note's), ?2n + 1 and ?2n + 2 the detail's end (a
    # question with a column, one without: a condition's)
    def cell(k: int, in_file: bool) -> str:
        old_note, note, noted = plan.note(k)
        answer = (f"CASE WHEN a{k} THEN head || ?{k + 1} || "
                  f"json_quote({label_sql(f'o{k}', f'p{k}')}) || ',' || "
                  f"json_quote({label_sql(f'n{k}', f'v{k}')}) || ?{2 * n + (1 if in_file else 2)} "
                  "ELSE '' END")
        if k not in plan.notes:
            return answer
        return (f"{answer} || CASE WHEN {noted} THEN head || ?{n + k + 1} || "
                f"json_quote({old_note}) || ',' || json_quote(NULLIF({note}, '')) || "
                f"?{2 * n + 1} ELSE '' END")
    elements = " || ".join(cell(q.k, q.in_file) for q in plan.questions)
    sql = (f"SELECT group_concat(e, char(30)), group_concat(rid) FROM (SELECT rid, "
           f"substr({elements}, 2) AS e FROM {REC} WHERE k BETWEEN ?{2 * n + 3} "
           f"AND ?{2 * n + 4} AND cnt > 0 ORDER BY k)")
    params = [*(f'["{action}",{json.dumps(q.qid, ensure_ascii=False)},'
                for action in ("answer", "note") for q in plan.questions),
              *(f",{json.dumps(why, ensure_ascii=False)}]"
                for why in (detail, f"condition: {detail}"))]
    return sql, params


def bounds(db: Database, first_seq: int, batch: int) -> list[tuple[int, int, int]]:
    """Each pack's first seq and its first and last record key: whole records, at most
    ``batch`` events a pack unless one record has more."""
    out: list[tuple[int, int, int]] = []
    seq, start, count, last = first_seq, None, 0, None
    for k, cnt in db.all(f"SELECT k, cnt FROM {REC} WHERE cnt > 0 ORDER BY k"):
        if start is not None and count + cnt > batch:
            out.append((seq, start, last))
            seq, start, count = seq + count, None, 0
        start = k if start is None else start
        count, last = count + cnt, k
    if start is not None:
        out.append((seq, start, last))
    return out


def pack(db: Database, sql: str, params: list[str], seq: int, low: int, high: int
         ) -> tuple[int, str, list[int]]:
    """One pack's first seq, its events' text and the records it names (:func:`listing`)."""
    text, rids = db.one(sql, (*params, low, high)) or (None, None)
    return seq, str(text), [int(r) for r in str(rids).split(",")]


def given(db: Database, plan: Plan) -> Iterator[str]:
    """The answers the merge brings to blank cells, as ``store.import_rows.changed_given``
    lists them (one element per record: ``[record, question, answer, ...]``), runs of
    elements joined by commas, a range of records at a time."""
    parts = " || ".join(
        f"CASE WHEN n{q.k} IN (1, 2) AND o{q.k} NOT IN (1, 2) THEN ',' || json_quote(?{q.k + 1})"
        f" || ',' || json_quote({label_sql(f'n{q.k}', f'v{q.k}')}) ELSE '' END"
        for q in plan.questions)
    n = len(plan.questions)
    # a record given an answer has a changed cell with no event (without notes: more
    # changed cells than events)
    changed = "0" if plan.notes else "cnt"
    sql = (f"SELECT group_concat('[' || rid || x || ']', ',') FROM (SELECT rid, {parts} AS x "
           f"FROM {REC} WHERE k BETWEEN ?{n + 1} AND ?{n + 2} AND chg > {changed}) "
           "WHERE x <> ''")
    low, top = db.one(f"SELECT MIN(k), MAX(k) FROM {REC}") or (None, None)
    if low is None:
        return
    for start in range(int(low), int(top) + 1, GIVEN_RECORDS):
        part = db.scalar(sql, (*(q.qid for q in plan.questions), start,
                               start + GIVEN_RECORDS - 1))
        if part:
            yield str(part)


def given_packed(db: Database, plan: Plan, new: NewRows | None) -> bytes:
    """The answers the import gives, packed for its event as ``import_rows.merged_given``
    packs them: its new records' (``new``) first, then :func:`given`."""
    merged = (given(db, plan), ",")
    return pack_parts(listed((new(), ","), merged) if new is not None else listed(merged))
