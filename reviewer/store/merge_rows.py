"""SQLite: an import's merge made a record at a time (docs/performance.md, "The merge a record
at a time"), where every stored answer of the matched records is compact (an answer, a state or
none: as a first import stores them) and the file has no note column. One pass over the matched
records works out each cell's stored and merged answer (``store.merge``'s rules, column by
column of one row: no row per cell, no table of the stored answers, no change table, no sort);
from that table of records, one statement each, come the new packs (``store.pack_writes``'
patches, as ``pack_writes.build`` makes them), the events' text a pack at a time
(``store.merge_events.packs``' elements) and the answers given to blank cells
(``store.import_rows.changed_given``'s elements). Whatever it does not cover takes the merge
cell by cell (``store.merge``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from reviewer.store import merge, scratch
from reviewer.store import pack_writes as packed
from reviewer.store.chain import listed, pack_parts
from reviewer.store.db import Database
from reviewer.store.import_rows import NewRows
from reviewer.store.staging import STAGE

REC = "merge_rec"       # a matched record's cells, stored and merged, a row each
MAX_QUESTIONS = 100     # beyond, the merge cell by cell (a record's row has six columns each)
GIVEN_RECORDS = 20_000  # records whose given answers are listed at a time


def fits(db: Database, audit_id: int, questions: list[merge.Question]) -> bool:
    """Whether the merge can be made a record at a time: no note column, at most
    :data:`MAX_QUESTIONS` questions, the audit's packs as long as its questions, and no stored
    note in a matched record's pack (a full entry with one: the merge then goes cell by
    cell, where the kept note makes the merged entry a full one)."""
    if any(q.note for q in questions) or not 0 < len(questions) <= MAX_QUESTIONS:
        return False
    top = db.scalar("SELECT MAX(slot) FROM pack_slot WHERE audit_id = ?", (audit_id,))
    if top is None or int(top) != len(questions) - 1:
        return False
    # only packs holding an array (or a '[' in a value) read entry by entry
    return not db.scalar(f"SELECT 1 FROM {STAGE} s JOIN answer_pack p ON p.record_id = s.rid, "
                         "json_each(p.pack) j WHERE s.rid IS NOT NULL "
                         "AND instr(substr(p.pack, 2), '[') > 0 AND j.type = 'array' AND "
                         "CASE WHEN json_array_length(j.value) > 2 THEN "
                         "COALESCE(j.value ->> 2, '') <> '' END LIMIT 1")


def _stored(k: int) -> tuple[str, str, str]:
    """SQL for slot ``k``'s stored state, value and login from its entry as JSON text
    ``j{k}``, read by its first character: a string (an answer; unescaped only where it
    holds a backslash), a number (a state), null or none (blank), or an array (``[value or
    2, event]``; ``[state, value, note, reviewer, at, event, login]``: ``store.packs``)."""
    j = f"x.j{k}"
    short = f"json_array_length({j}) = 2"
    text = f"json_type({j}, '$[0]') = 'text'"
    state = (f"CASE substr({j}, 1, 1) WHEN '\"' THEN 1 WHEN 'n' THEN 0 WHEN '' THEN 0 "
             f"WHEN '[' THEN CASE WHEN {short} AND {text} THEN 1 ELSE {j} ->> 0 END "
             f"ELSE CAST({j} AS INTEGER) END")
    value = (f"CASE substr({j}, 1, 1) WHEN '\"' THEN CASE WHEN instr({j}, '\\') > 0 "
             f"THEN {j} ->> '$' ELSE substr({j}, 2, length({j}) - 2) END "
             f"WHEN '[' THEN CASE WHEN NOT {short} THEN {j} ->> 1 WHEN {text} THEN {j} ->> 0 "
             "END END")
    login = f"CASE WHEN substr({j}, 1, 1) = '[' AND NOT {short} THEN {j} ->> 6 END"
    return f"COALESCE({state}, 0)", value, login


def _merged(q: merge.Question) -> tuple[str, str]:
    """SQL for question ``q``'s merged state and value (``store.merge._final``'s rules; ``x``:
    the record's row)."""
    k = q.k
    if q.involved:
        return f"x.r{k}", f"x.w{k}"
    if q.in_file:
        return f"COALESCE(x.s{k}, 0)", f"x.v{k}"
    state, value, _ = _stored(k)
    return (f"CASE WHEN {state} IN (1, 2) THEN {state} ELSE 0 END",
            f"CASE WHEN {state} IN (1, 2) THEN {value} END")


def records(db: Database, questions: list[merge.Question]) -> int:
    """Fill the table of changed records (file order ``k``), each with its cells' stored state
    ``o``, value ``p`` and entry ``j`` (JSON text), merged state ``n`` and value ``v``, and
    whether an ``answer`` event is needed (``a``); ``cnt`` its events, ``chg`` its changed
    cells; how many events in all."""
    staged = "".join(f"s.{c}{q.k} AS {c}{q.k}, " for q in questions
                     for c in ("rw" if q.involved else "sv" if q.in_file else ""))
    raw = ", ".join(f"a.pack -> {q.k} AS j{q.k}" for q in questions)
    # each level worked out once (LIMIT, and a WHERE in the level above: SQLite does not
    # flatten it into the next)
    read = (f"SELECT s.k AS k, s.rid AS rid, s.ref AS ref, a.base_seq AS base, {staged}{raw} "
            f"FROM {STAGE} s LEFT JOIN answer_pack a ON a.record_id = s.rid "
            "WHERE s.rid IS NOT NULL LIMIT -1")
    cells = ", ".join(f"{o} AS o{q.k}, {p} AS p{q.k}, {lg} AS l{q.k}, x.j{q.k} AS j{q.k}, "
                      f"{n} AS n{q.k}, {v} AS v{q.k}" for q in questions
                      for (o, p, lg), (n, v) in [(_stored(q.k), _merged(q))])
    middle = (f"SELECT x.k AS k, x.rid AS rid, x.ref AS ref, x.base AS base, {cells} "
              f"FROM ({read}) x WHERE x.rid IS NOT NULL LIMIT -1")
    ks = [q.k for q in questions]
    # a cell's event: 0 unchanged, 1 an answer event, 2 changed without one (given, or
    # blank or not asked made blank)
    event = ", ".join(f"z.o{k} AS o{k}, z.p{k} AS p{k}, z.l{k} AS l{k}, z.j{k} AS j{k}, "
                      f"z.n{k} AS n{k}, "
                      f"z.v{k} AS v{k}, CASE WHEN z.n{k} = z.o{k} AND z.v{k} IS z.p{k} THEN 0 "
                      f"WHEN z.o{k} IN (1, 2) THEN 1 ELSE 2 END AS e{k}" for k in ks)
    flags = (f"SELECT z.k AS k, z.rid AS rid, z.ref AS ref, z.base AS base, {event} "
             f"FROM ({middle}) z "
             "WHERE z.rid IS NOT NULL LIMIT -1")
    cols = ", ".join(f"o{k}, p{k}, l{k}, j{k}, n{k}, v{k}, a{k}" for k in ks)
    db.execute(f"DROP TABLE IF EXISTS {REC}")
    db.execute(f"CREATE {scratch.table(db, REC)} (k INTEGER PRIMARY KEY, rid INTEGER NOT NULL, "
               "ref TEXT NOT NULL, head TEXT NOT NULL, base INTEGER, cnt INTEGER NOT NULL, "
               f"chg INTEGER NOT NULL, {cols})")
    values = ", ".join(f"f.o{k}, f.p{k}, f.l{k}, f.j{k}, f.n{k}, f.v{k}, f.e{k} = 1" for k in ks)
    changed = " + ".join(f"(f.e{k} <> 0)" for k in ks)
    # head: what each of its events' text starts with (store.bundle.element: its ref)
    db.execute(f"INSERT INTO {REC} SELECT f.k, f.rid, f.ref, "          # changed records only
               "char(30) || json_quote(f.ref) || char(31), f.base, "
               f"{' + '.join(f'(f.e{k} = 1)' for k in ks)}, {changed}, {values} "
               f"FROM ({flags}) f WHERE f.rid IS NOT NULL AND {changed} > 0")
    return int(db.scalar(f"SELECT COALESCE(SUM(cnt), 0) FROM {REC}"))


def _label(state: str, value: str) -> str:
    return f"CASE {state} WHEN 1 THEN COALESCE({value}, '') WHEN 2 THEN 'n/a' END"


def _prefix(k: int) -> str:
    """SQL for the events of a record's cells before slot ``k``."""
    return " + ".join(["0"] + [f"a{j}" for j in range(k)])


def _kept(k: int) -> str:
    """SQL for slot ``k``'s entry kept: as stored, but an array's event counted from the
    pack's base (``base``, which the patch moves) made its own seq, as ``pack_writes.build``
    holds it."""
    j = f"j{k}"
    return (f"CASE WHEN {j} IS NULL THEN 'null' WHEN substr({j}, 1, 1) <> '[' THEN {j} "
            f"WHEN json_array_length({j}) = 2 THEN CASE WHEN ({j} ->> 1) <= 0 "
            f"THEN json_array({j} -> 0, base - ({j} ->> 1)) ELSE {j} END "
            f"WHEN ({j} ->> 5) <= 0 THEN json_set({j}, '$[5]', base - ({j} ->> 5)) ELSE {j} END")


def patches(db: Database, questions: list[merge.Question], first_seq: int, import_seq: int,
            reviewer: str, now: str) -> None:
    """The changed records' new packs into ``pack_writes.PATCH`` (as ``pack_writes.build``
    makes them, counted from ``import_seq``), with what their completeness needs. A pack's
    text is joined from its entries' (each valid JSON, as the JSON functions write it)."""
    def entry(k: int) -> str:
        seq = f"(f + {_prefix(k)})"                     # the cell's event
        counted = f"{import_seq} - CASE WHEN a{k} THEN {seq} ELSE {import_seq} END"
        full = (f"json_array(n{k}, v{k}, '', CASE WHEN n{k} IN (1, 2) THEN ?1 ELSE '' END, "
                f"CASE WHEN n{k} IN (1, 2) THEN ?2 ELSE '' END, CASE WHEN a{k} OR n{k} IN (1, 2) "
                f"THEN {counted} END, l{k})")
        return (f"CASE WHEN n{k} = o{k} AND v{k} IS p{k} THEN {_kept(k)} "
                f"WHEN n{k} = 0 THEN 'null' WHEN l{k} IS NOT NULL THEN {full} "
                f"WHEN n{k} = 1 AND v{k} IS NOT NULL THEN '[' || json_quote(CAST(v{k} AS TEXT)) "
                f"|| ',' || ({counted}) || ']' "
                f"WHEN n{k} = 2 THEN '[2,' || ({counted}) || ']' ELSE {full} END")
    tallied = [q.k for q in questions if q.tallied]
    moved = " + ".join(["0"] + [f"((n{k} <> 0) - (o{k} <> 0))" for k in tallied])
    turned = " OR ".join(["0"] + [f"((n{k} = 0) <> (o{k} = 0))" for k in tallied])
    db.execute(f"DROP TABLE IF EXISTS {packed.PATCH}")
    db.execute(f"CREATE {scratch.table(db, packed.PATCH)} (rid INTEGER PRIMARY KEY, "
               "pack TEXT NOT NULL, moved INTEGER NOT NULL, turned INTEGER NOT NULL)")
    pack = "'[' || " + " || ',' || ".join(entry(q.k) for q in questions) + " || ']'"
    db.execute(f"INSERT INTO {packed.PATCH} SELECT rid, {pack}, {moved}, "
               f"CASE WHEN {turned} THEN 1 ELSE 0 END FROM ({_firsts()}) w "
               f"JOIN {REC} r ON r.k = w.wk WHERE r.chg > 0", (reviewer, now, None, first_seq))


def packs(db: Database, questions: list[merge.Question], first_seq: int, detail: str,
          batch: int) -> Iterator[tuple[int, str, list[int]]]:
    """The events a pack of whole records at a time (at most ``batch`` events, unless one
    record has more), as ``store.merge_events.packs`` gives them: the first one's seq, the
    events' text (``bundle.element`` each, joined by ``bundle.EVENT``) and the records named."""
    n = len(questions)
    # an element: its ref, then [action, question, before, after, detail] with the parts
    # that are the same for every record given (?k + 1: up to the question; ?n + 1 and ?n + 2
    # the detail's end for a question with a column and one without)
    elements = " || ".join(
        f"CASE WHEN a{q.k} THEN head || ?{q.k + 1} || "
        f"json_quote({_label(f'o{q.k}', f'p{q.k}')}) || ',' || "
        f"json_quote({_label(f'n{q.k}', f'v{q.k}')}) || ?{n + (1 if q.in_file else 2)} "
        "ELSE '' END" for q in questions)
    sql = (f"SELECT group_concat(e, char(30)), group_concat(rid) FROM (SELECT rid, "
           f"substr({elements}, 2) AS e FROM {REC} WHERE k BETWEEN ?{n + 3} "
           f"AND ?{n + 4} AND cnt > 0 ORDER BY k)")
    params = [*(f'["answer",{json.dumps(q.qid, ensure_ascii=False)},' for q in questions),
              *(f",{json.dumps(why, ensure_ascii=False)}]"
                for why in (detail, f"condition: {detail}"))]
    seq, start, count, last = first_seq, None, 0, None
    for k, cnt in db.all(f"SELECT k, cnt FROM {REC} WHERE cnt > 0 ORDER BY k"):
        if start is not None and count + cnt > batch:
            yield _pack(db, sql, params, seq, start, last)
            seq, start, count = seq + count, None, 0
        start = k if start is None else start
        count, last = count + cnt, k
    if start is not None:
        yield _pack(db, sql, params, seq, start, last)


def _pack(db: Database, sql: str, params: list[str], seq: int, low: int, high: int
          ) -> tuple[int, str, list[int]]:
    text, rids = db.one(sql, (*params, low, high)) or (None, None)
    return seq, str(text), [int(r) for r in str(rids).split(",")]


def given(db: Database, questions: list[merge.Question]) -> Iterator[str]:
    """The answers the merge brings to blank cells, as ``store.import_rows.changed_given``
    lists them (one element per record: ``[record, question, answer, ...]``), runs of
    elements joined by commas, a range of records at a time."""
    parts = " || ".join(
        f"CASE WHEN n{q.k} IN (1, 2) AND o{q.k} NOT IN (1, 2) THEN ',' || json_quote(?{q.k + 1})"
        f" || ',' || json_quote({_label(f'n{q.k}', f'v{q.k}')}) ELSE '' END" for q in questions)
    n = len(questions)
    sql = (f"SELECT group_concat('[' || rid || x || ']', ',') FROM (SELECT rid, {parts} AS x "
           f"FROM {REC} WHERE k BETWEEN ?{n + 1} AND ?{n + 2} AND chg > cnt) WHERE x <> ''")
    low, top = db.one(f"SELECT MIN(k), MAX(k) FROM {REC}") or (None, None)
    if low is None:
        return
    for start in range(int(low), int(top) + 1, GIVEN_RECORDS):
        part = db.scalar(sql, (*(q.qid for q in questions), start, start + GIVEN_RECORDS - 1))
        if part:
            yield str(part)


def start(db: Database, audit_id: int, questions: list[merge.Question], first_seq: int,
          rows_below: int) -> int | None:
    """The merge's table of records made (:func:`records`) if it :func:`fits`: how many
    events (numbered from ``first_seq``); None if not (the merge is then made cell by cell).
    Fewer than ``rows_below`` events are written one row each, from the change table, which
    then gets them (``store.merge_events.event_batches`` reads it)."""
    if not fits(db, audit_id, questions):
        return None
    merge.questions_table(db, questions)
    count = records(db, questions)
    if 0 < count < rows_below:
        _changes(db, questions, first_seq)
    return count


def _changes(db: Database, questions: list[merge.Question], first_seq: int) -> None:
    """The change table (``store.merge.changes``), its cells with an event only."""
    merge.change_table(db)
    for q in questions:
        db.execute(f"INSERT INTO {merge.CHANGE} (n, rid, qid, ref, in_file, old_state, "
                   "old_value, old_note, state, value, note, ans, nte, had, tallied, slot) "
                   f"SELECT f + {_prefix(q.k)}, rid, ?, ref, ?, o{q.k}, p{q.k}, '', n{q.k}, "
                   f"v{q.k}, '', 1, 0, 1, ?, {q.k} FROM ({_firsts()}) w JOIN {REC} r "
                   f"ON r.k = w.wk WHERE r.a{q.k}",
                   (q.qid, int(q.in_file), int(q.tallied), first_seq))


def _firsts() -> str:
    """SQL giving each record's first event ``f``: ``?4`` past every event of the records
    before it (a window over the key and the count alone)."""
    return (f"SELECT k AS wk, ?4 + COALESCE(SUM(cnt) OVER (ORDER BY k ROWS BETWEEN "
            f"UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS f FROM {REC}")


def given_packed(db: Database, questions: list[merge.Question], new: NewRows | None) -> bytes:
    """The answers the import gives, packed for its event as ``import_rows.merged_given``
    packs them: its new records' (``new``) first, then :func:`given`."""
    merged = (given(db, questions), ",")
    return pack_parts(listed((new(), ","), merged) if new is not None else listed(merged))
