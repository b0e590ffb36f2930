"""SQLite: an import's merge made a record at a time (docs/performance.md, "The merge a record
at a time"). One pass over the matched records works out each cell's stored and merged answer
and note (``store.merge``'s rules, column by column of one row: no row per cell, no table of
the stored answers, no change table, no sort) into a table of the changed records; from it,
one statement each, come the new packs (``store.pack_writes``' patches, as
``pack_writes.build`` makes them), and the events' text and the answers given to blank cells
(``store.merge_row_events``). Whatever it does not cover takes the merge cell by cell
(``store.merge``)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace

from reviewer.store import halves, merge, packs, scratch
from reviewer.store import pack_writes as packed
from reviewer.store.db import Database
from reviewer.store.merge_check import SEEN
from reviewer.store.staging import STAGE

REC = "merge_rec"       # a changed record's cells, stored and merged, a row each
ROWS = "(1 /* rows */)"  # which staged rows a statement reads (store.halves)
MAX_QUESTIONS = 100     # beyond, the merge cell by cell (a record's row has ten columns each)


@dataclass(frozen=True)
class Plan:
    """A merge made a record at a time: its questions, the slots whose notes are merged too
    (a note column, or a note stored in a matched record's pack), and its events."""
    questions: list[merge.Question]
    notes: frozenset[int]
    arrays: bool = True      # a matched record's pack holds an array entry
    events: int = 0

    def login(self, k: int) -> str:
        """SQL (a record's row) for slot ``k``'s stored login: none without arrays."""
        return f"l{k}" if self.arrays else "NULL"

    def note(self, k: int) -> tuple[str, str, str]:
        """SQL (a record's row) for slot ``k``'s stored note, merged note and whether its note
        needs a ``note`` event: none where no note is merged."""
        return (f"t{k}", f"m{k}", f"b{k}") if k in self.notes else ("''", "''", "0")

    def prefix(self, k: int) -> str:
        """SQL for the events of a record's cells before slot ``k`` (an answer's, then a
        note's)."""
        return " + ".join(["0"] + [f"a{j} + {self.note(j)[2]}" for j in range(k)])


def shape(db: Database, audit_id: int, questions: list[merge.Question]) -> Plan | None:
    """Whether the merge can be made a record at a time (at most :data:`MAX_QUESTIONS`
    questions, the audit's packs as long as its questions): None if not, else its plan: the
    slots whose notes are merged (a note column, or a note in a matched record's pack
    there), and whether any matched pack holds an array (if not, every entry is read as
    compact, with no look for one)."""
    if not 0 < len(questions) <= MAX_QUESTIONS:
        return None
    top = db.scalar("SELECT MAX(slot) FROM pack_slot WHERE audit_id = ?", (audit_id,))
    if top is None or int(top) != len(questions) - 1:
        return None
    # only packs holding an array (or a '[' in a value) read entry by entry; the matched
    # records' packs as the snapshot read them (store.merge_check), in its order
    arrays = bool(db.scalar(f"SELECT 1 FROM {SEEN} p WHERE instr(substr(p.pack, 2), '[') > 0 "
                            "LIMIT 1"))
    columns = {q.k for q in questions if q.note}
    # a note stored in a slot a note column merges anyway need not be looked for
    others = ", ".join(str(q.k) for q in questions if q.k not in columns)
    stored = [] if not arrays or not others else db.all(
        f"SELECT DISTINCT j.key FROM {SEEN} p, json_each(p.pack) j "
        f"WHERE instr(substr(p.pack, 2), '[') > 0 AND j.key IN ({others}) "
        "AND j.type = 'array' AND CASE WHEN json_array_length(j.value) > 2 THEN "
        "COALESCE(j.value ->> 2, '') <> '' END")
    return Plan(questions, frozenset(columns | {int(r[0]) for r in stored}), arrays)


def _stored(k: int, arrays: bool = True) -> tuple[str, str, str, str]:
    """SQL for slot ``k``'s stored state, value, login and note from its entry as JSON text
    ``j{k}``, read by its first character: a string (an answer; unescaped only where it
    holds a backslash), a number (a state), null or none (blank), or an array (``[value or
    2, event]``; ``[state, value, note, reviewer, at, event, login]``: ``store.packs``) unless
    there is none (``arrays``)."""
    j = f"x.j{k}"
    unescaped = (f"CASE WHEN instr({j}, '\\') > 0 THEN {j} ->> '$' "
                 f"ELSE substr({j}, 2, length({j}) - 2) END")
    if not arrays:
        return (f"COALESCE(CASE substr({j}, 1, 1) WHEN '\"' THEN 1 WHEN 'n' THEN 0 "
                f"WHEN '' THEN 0 ELSE CAST({j} AS INTEGER) END, 0)",
                f"CASE WHEN substr({j}, 1, 1) = '\"' THEN {unescaped} END", "NULL", "''")
    short = f"json_array_length({j}) = 2"
    text = f"json_type({j}, '$[0]') = 'text'"
    state = (f"CASE substr({j}, 1, 1) WHEN '\"' THEN 1 WHEN 'n' THEN 0 WHEN '' THEN 0 "
             f"WHEN '[' THEN CASE WHEN {short} AND {text} THEN 1 ELSE {j} ->> 0 END "
             f"ELSE CAST({j} AS INTEGER) END")
    value = (f"CASE substr({j}, 1, 1) WHEN '\"' THEN {unescaped} "
             f"WHEN '[' THEN CASE WHEN NOT {short} THEN {j} ->> 1 WHEN {text} THEN {j} ->> 0 "
             "END END")
    full = f"substr({j}, 1, 1) = '[' AND NOT {short}"
    return (f"COALESCE({state}, 0)", value, f"CASE WHEN {full} THEN {j} ->> 6 END",
            f"CASE WHEN {full} THEN COALESCE({j} ->> 2, '') ELSE '' END")


def _merged(q: merge.Question, arrays: bool) -> tuple[str, str, str]:
    """SQL for question ``q``'s merged state, value and note (``store.merge._final``'s
    rules; ``x``: the record's row)."""
    k = q.k
    state, value, _, stored_note = _stored(k, arrays)
    note = f"x.sn{k}" if q.note else stored_note
    if q.involved:
        return f"x.r{k}", f"x.w{k}", note
    if q.in_file:
        return f"COALESCE(x.s{k}, 0)", f"x.v{k}", note
    return (f"CASE WHEN {state} IN (1, 2) THEN {state} ELSE 0 END",
            f"CASE WHEN {state} IN (1, 2) THEN {value} END", note)


def records(db: Database, plan: Plan) -> int:
    """Fill the table of changed records (file order ``k``), each with its cells' stored state
    ``o``, value ``p``, login ``l`` and entry ``j`` (JSON text), merged state ``n`` and value
    ``v``, whether an ``answer`` event is needed (``a``), and with notes the stored note
    ``t``, merged note ``m`` and whether a ``note`` event is needed (``b``); ``cnt`` its
    events, ``chg`` its changed cells; how many events in all."""
    questions = plan.questions
    staged = "".join(f"s.{c}{q.k} AS {c}{q.k}, " for q in questions
                     for c in ("rw" if q.involved else "sv" if q.in_file else ""))
    staged += "".join(f"s.n{q.k} AS sn{q.k}, " for q in questions if q.note)
    raw = ", ".join(f"a.pack -> {q.k} AS j{q.k}" for q in questions)
    # each level worked out once (LIMIT, and a WHERE in the level above: SQLite does not
    # flatten it into the next)
    # the matched records as the snapshot read them (store.merge_check): what a helper process
    # reads too (store.halves); ROWS: which of the staged rows
    read = (f"SELECT s.k AS k, s.rid AS rid, s.ref AS ref, a.base AS base, "
            f"{'a.pseq' if plan.notes else 'NULL'} AS pseq, {staged}{raw} FROM {STAGE} s "
            f"LEFT JOIN {SEEN} a ON a.k = s.k WHERE s.rid IS NOT NULL AND {ROWS} LIMIT -1")
    cells = ", ".join(
        f"{o} AS o{q.k}, {p} AS p{q.k}, " + (f"{lg} AS l{q.k}, " if plan.arrays else "")
        + f"x.j{q.k} AS j{q.k}, {n} AS n{q.k}, "
        f"{v} AS v{q.k}" + (f", {t} AS t{q.k}, {m} AS m{q.k}" if q.k in plan.notes else "")
        for q in questions
        for (o, p, lg, t), (n, v, m) in [(_stored(q.k, plan.arrays), _merged(q, plan.arrays))])
    middle = (f"SELECT x.k AS k, x.rid AS rid, x.ref AS ref, x.base AS base, x.pseq AS pseq, "
              f"{cells} FROM ({read}) x WHERE x.rid IS NOT NULL LIMIT -1")
    ks = [q.k for q in questions]
    def per(k: int) -> list[str]:
        return (["o", "p"] + ["l"] * plan.arrays + ["j", "n", "v"]
                + (["t", "m"] if k in plan.notes else []))
    # a cell's change: 0 none, 1 an answer event, 2 changed without one (given, a note
    # alone, or blank or not asked made blank); with notes, b: a note event
    def flag(k: int) -> str:
        noted = k in plan.notes
        same = f"z.n{k} = z.o{k} AND z.v{k} IS z.p{k}"
        note = (f", CASE WHEN z.t{k} <> '' AND z.t{k} <> z.m{k} THEN 1 ELSE 0 END AS b{k}"
                if noted else "")
        return (", ".join(f"z.{c}{k} AS {c}{k}" for c in per(k)) + f", CASE WHEN {same}"
                + (f" AND z.m{k} = z.t{k}" if noted else "") + f" THEN 0 WHEN z.o{k} IN (1, 2) "
                f"AND NOT ({same}) THEN 1 ELSE 2 END AS e{k}{note}")
    event = ", ".join(flag(k) for k in ks)
    flags = (f"SELECT z.k AS k, z.rid AS rid, z.ref AS ref, z.base AS base, z.pseq AS pseq, "
             f"{event} FROM ({middle}) z WHERE z.rid IS NOT NULL LIMIT -1")
    def kept(k: int) -> list[str]:
        return per(k) + ["a"] + (["b"] if k in plan.notes else [])
    columns = ("k INTEGER PRIMARY KEY, rid INTEGER NOT NULL, ref TEXT NOT NULL, "
               "head TEXT NOT NULL, base INTEGER, pseq INTEGER, cnt INTEGER NOT NULL, "
               f"chg INTEGER NOT NULL, {', '.join(f'{c}{k}' for k in ks for c in kept(k))}")
    db.execute(f"DROP TABLE IF EXISTS {REC}")
    db.execute(f"CREATE {scratch.table(db, REC)} ({columns})")
    values = ", ".join(", ".join(f"f.{c}{k}" for c in per(k)) + f", f.e{k} = 1"
                       + (f", f.b{k}" if k in plan.notes else "") for k in ks)
    changed = " + ".join(f"(f.e{k} <> 0)" for k in ks)
    count = " + ".join(f"(f.e{k} = 1)" + (f" + f.b{k}" if k in plan.notes else "")
                       for k in ks)
    # head: what each of its events' text starts with (store.bundle.element: its ref)
    select = (f"SELECT f.k, f.rid, f.ref, "                            # changed records only
              "char(30) || json_quote(f.ref) || char(31), f.base, f.pseq, "
              f"{count}, {changed}, {values} "
              f"FROM ({flags}) f WHERE f.rid IS NOT NULL AND {changed} > 0")
    halves.fill(db, REC, columns, lambda rows: select.replace(ROWS, rows), "s.k")
    return int(db.scalar(f"SELECT COALESCE(SUM(cnt), 0) FROM {REC}"))


def _kept(k: int) -> str:
    """SQL for slot ``k``'s entry kept: as stored, but an array's event counted from the
    pack's base (``base``, which the patch moves) made its own seq, as ``pack_writes.build``
    holds it."""
    j = f"j{k}"
    return (f"CASE WHEN {j} IS NULL THEN 'null' WHEN substr({j}, 1, 1) <> '[' THEN {j} "
            f"WHEN json_array_length({j}) = 2 THEN CASE WHEN ({j} ->> 1) <= 0 "
            f"THEN json_array({j} -> 0, base - ({j} ->> 1)) ELSE {j} END "
            f"WHEN ({j} ->> 5) <= 0 THEN json_set({j}, '$[5]', base - ({j} ->> 5)) ELSE {j} END")


def _who(k: int, field: str) -> str:
    """SQL for the reviewer or time (``field``) of slot ``k``'s stored answer as the view
    finds them (``pack_writes.build``'s): a full entry's own, a short one's event (or the
    pack of events holding it), a compact one's the pack's event (``?5``: the audit, given
    where notes are merged)."""
    j = f"j{k}"
    at = {"reviewer": 3, "at": 4}[field]
    seq = f"CASE WHEN ({j} ->> 1) <= 0 THEN base - ({j} ->> 1) ELSE {j} ->> 1 END"
    return (f"CASE WHEN substr({j}, 1, 1) <> '[' THEN (SELECT g.{field} FROM event g "
            f"WHERE g.audit_id = ?5 AND g.seq = pseq) WHEN json_array_length({j}) > 2 "
            f"THEN {j} ->> {at} ELSE (SELECT g.{field} FROM event g WHERE g.audit_id = ?5 "
            f"AND g.seq >= {seq} ORDER BY g.seq LIMIT 1) END")


def patches(db: Database, plan: Plan, first_seq: int, import_seq: int, reviewer: str,
            now: str, audit_id: int) -> None:
    """The changed records' new packs into ``pack_writes.PATCH`` (as ``pack_writes.build``
    makes them, but counted from the record's own base, ``off`` past ``import_seq``), with
    what their completeness needs. A pack's text is joined from its entries' (valid JSON)."""
    # entries counted from a base of the record's own, before its first event (-1, -2, ...),
    # unless given an answer, naming the import's event (more changed cells than events; with
    # notes, any): docs/performance.md, "Entries counted from their record's own base"
    base = (str(import_seq) if plan.notes
            else f"(CASE WHEN chg > cnt THEN {import_seq} ELSE f - 1 END)")

    def entry(k: int) -> str:
        old_note, note, _ = plan.note(k)
        seq = f"(f + {plan.prefix(k)})"                 # the cell's first event
        counted = f"{base} - CASE WHEN a{k} THEN {seq} ELSE {import_seq} END"
        given = f"n{k} IN (1, 2)"
        same = f"n{k} = o{k} AND v{k} IS p{k}"
        if k in plan.notes:   # an answer kept whose note alone changes keeps its who and
            kept = f"j{k} IS NOT NULL AND j{k} <> 'null' AND {same}"   # time, names no event
            who = {w: f"CASE WHEN {kept} THEN {_who(k, w)} WHEN {given} THEN ?{i} ELSE '' END"
                   for i, w in ((1, "reviewer"), (2, "at"))}
            seqs = f"CASE WHEN {kept} THEN NULL WHEN a{k} OR {given} THEN {counted} END"
            unchanged, blank = f"{same} AND {note} = {old_note}", f"n{k} = 0 AND {note} = ''"
            short = f"{note} = '' AND {plan.login(k)} IS NULL AND NOT ({kept}) AND "
        else:                 # no note: a changed cell's answer changed
            who = {w: f"CASE WHEN {given} THEN ?{i} ELSE '' END"
                   for i, w in ((1, "reviewer"), (2, "at"))}
            seqs = f"CASE WHEN a{k} OR {given} THEN {counted} END"
            unchanged, blank = same, f"n{k} = 0"
            short = f"{plan.login(k)} IS NULL AND " if plan.arrays else ""
        full = (f"json_array(n{k}, v{k}, {note}, {who['reviewer']}, {who['at']}, {seqs}, "
                f"{plan.login(k)})")
        kept_entry = _kept(k) if plan.arrays else f"COALESCE(j{k}, 'null')"
        return (f"CASE WHEN {unchanged} THEN {kept_entry} WHEN {blank} THEN 'null' "
                f"WHEN {short}n{k} = 1 AND v{k} IS NOT NULL "
                f"THEN '[' || json_quote(CAST(v{k} AS TEXT)) || ',' || ({counted}) || ']' "
                f"WHEN {short}n{k} = 2 THEN '[2,' || ({counted}) || ']' ELSE {full} END")
    tallied = [q.k for q in plan.questions if q.tallied]
    moved = " + ".join(["0"] + [f"((n{k} <> 0) - (o{k} <> 0))" for k in tallied])
    turned = " OR ".join(["0"] + [f"((n{k} = 0) <> (o{k} = 0))" for k in tallied])
    filled = " + ".join(["0"] + [f"(n{k} <> 0)" for k in tallied])   # the whole pack's
    columns = ("rid INTEGER PRIMARY KEY, pack TEXT NOT NULL, moved INTEGER NOT NULL, "
               "turned INTEGER NOT NULL, filled INTEGER, off INTEGER NOT NULL")
    db.execute(f"DROP TABLE IF EXISTS {packed.PATCH}")
    db.execute(f"CREATE {scratch.table(db, packed.PATCH)} ({columns})")
    pack = "'[' || " + " || ',' || ".join(entry(q.k) for q in plan.questions) + " || ']'"
    select = (f"SELECT rid, {pack}, {moved}, CASE WHEN {turned} THEN 1 ELSE 0 END, {filled}, "
              f"{base} - {import_seq} FROM ({_firsts()}) w JOIN {REC} r ON r.k = w.wk "
              f"WHERE r.chg > 0 AND {ROWS} ORDER BY rid")
    # with notes, a kept answer's reviewer and time are read from its event (the database's)
    halves.fill(db, packed.PATCH, columns, lambda rows: select.replace(ROWS, rows), "r.k",
                (reviewer, now, None, first_seq, audit_id)[:5 if plan.notes else 4],
                database=bool(plan.notes))


def start(db: Database, audit_id: int, questions: list[merge.Question], first_seq: int,
          rows_below: int) -> Plan | None:
    """The merge's table of records made (:func:`records`) if :func:`shape` allows: the plan
    with how many events (numbered from ``first_seq``); None if not (the merge is then made
    cell by cell). Fewer than ``rows_below`` events are written one row each, from the change
    table, which then gets them (``store.merge_events.event_batches`` reads it)."""
    try:
        plan = shape(db, audit_id, questions)
        if plan is None:
            return None
        merge.questions_table(db, questions)
        count = records(db, plan)
    except sqlite3.OperationalError as exc:     # a pack changed outside: which one
        if "JSON" not in str(exc):
            raise
        raise packs.not_json(db.scalar(
            f"SELECT MIN(s.rid) FROM {STAGE} s JOIN answer_pack p ON p.record_id = s.rid "
            "WHERE s.rid IS NOT NULL AND NOT json_valid(p.pack)")) from None
    if 0 < count < rows_below:
        _changes(db, plan, first_seq)
    return replace(plan, events=count)


def _changes(db: Database, plan: Plan, first_seq: int) -> None:
    """The change table (``store.merge.changes``), its cells with an event only."""
    merge.change_table(db)
    for q in plan.questions:
        old_note, note, noted = plan.note(q.k)
        db.execute(f"INSERT INTO {merge.CHANGE} (n, rid, qid, ref, in_file, old_state, "
                   "old_value, old_note, state, value, note, ans, nte, had, tallied, slot) "
                   f"SELECT f + {plan.prefix(q.k)}, rid, ?, ref, ?, o{q.k}, p{q.k}, {old_note}, "
                   f"n{q.k}, v{q.k}, {note}, a{q.k}, {noted}, 1, ?, {q.k} FROM ({_firsts()}) w "
                   f"JOIN {REC} r ON r.k = w.wk WHERE r.a{q.k} OR {noted}",
                   (q.qid, int(q.in_file), int(q.tallied), first_seq))


def _firsts() -> str:
    """SQL giving each record's first event ``f``: ``?4`` past every event of the records
    before it (a window over the key and the count alone)."""
    return (f"SELECT k AS wk, ?4 + COALESCE(SUM(cnt) OVER (ORDER BY k ROWS BETWEEN "
            f"UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS f FROM {REC}")
