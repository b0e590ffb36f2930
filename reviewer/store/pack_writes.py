"""SQLite's answer packs (``store.packs``) as the import writes them, set-based
(docs/performance.md, "Answers packed per record"): its new records' packs, the matched
records' stored answers unpacked for the merge, the merge's changes set in their packs; and
the SQL that reads the packs' entries as the ``answer`` view does, without it."""

from __future__ import annotations

from reviewer.errors import DatabaseError
from reviewer.store import scratch
from reviewer.store.db import Database

OLD = "merge_old"            # the matched records' stored answers, one row each (a merge),
STRIDE = 1 << 20             # keyed by record * STRIDE + slot (one integer: a rowid)

NEW_PACKS = "import_new_pack"   # SQLite: the new records' packs, made before the write lock
ARGS = 100                   # items of a json_array call (SQLite takes at most 127 arguments)


def check_slots(db: Database, audit_id: int, question_ids: list[str]) -> None:
    """The audit's questions hold the first slots of its packs, in their order (schema 12:
    ``migrations._to_12`` and the trigger that gives a new audit its slots), as an import
    writes them; a located error if not (the database changed outside reviewer)."""
    stored = [r[0] for r in db.all("SELECT question_id FROM pack_slot WHERE audit_id = ? "
                                   "AND slot < ? ORDER BY slot", (audit_id, len(question_ids)))]
    if stored != list(question_ids):
        raise DatabaseError(f"audit id {audit_id}: its questions' places in the stored answers "
                            "(pack_slot) are not its question set's; the database was changed "
                            "outside reviewer")


def _entry(state: str, value: str, note: str) -> str:
    """SQL for a cell's entry (``c``: who, at and seq of the import): an answer with no note
    compact (its reviewer and time its pack's event's), a blank one none, anything else a
    full entry."""
    return (f"CASE WHEN {note} = '' AND {state} = 1 AND {value} IS NOT NULL "
            f"THEN CAST({value} AS TEXT) WHEN {note} = '' AND {state} IN (2, 3) THEN {state} "
            f"WHEN {note} = '' AND {state} = 0 THEN NULL "
            f"ELSE json_array({state}, {value}, {note}, CASE WHEN {state} <> 0 THEN c.who "
            f"ELSE '' END, CASE WHEN {state} <> 0 THEN c.at ELSE '' END, c.seq, NULL) END")


def array(items: list[str]) -> str:
    """SQL for a JSON array of ``items`` (SQL values), in calls of at most :data:`ARGS`."""
    parts = [f"json_array({', '.join(items[i:i + ARGS])})" for i in range(0, len(items), ARGS)]
    if len(parts) == 1:
        return parts[0]
    inner = " || ',' || ".join(f"substr({p}, 2, length({p}) - 2)" for p in parts)
    return f"('[' || {inner} || ']')"


NESTED = "instr(substr({}, 2), '[')"   # a pack holds an array entry (or a '[' in a value)
EMPTY = "replace(replace({0}, 'null', ''), ',', '') = '[]'"   # a pack of nulls only


def _new_packs(stage: str, cells: list[tuple[str, str, str]]) -> str:
    """SELECT (k, pack) of the staged rows no record matched (``stage``), each pack an array
    of its cells' entries in slot order (``cells``: state, value and note SQL of the staged
    row ``s`` for each slot); a row with every cell blank has none."""
    pack = array([_entry(*cell) for cell in cells])     # LIMIT: not flattened, made once
    return (f"SELECT k, pack FROM (SELECT s.k AS k, {pack} AS pack FROM {stage} s, "
            "(SELECT ? AS who, ? AS at, ? AS seq) c WHERE s.rid IS NULL LIMIT -1) "
            f"WHERE NOT {EMPTY.format('pack')}")


def insert_new(db: Database, stage: str, cells: list[tuple[str, str, str]], first_id: int,
               audit_id: int, reviewer: str, now: str, seq: int | None) -> None:
    """The packs of an import's new records (the staged rows ``k`` no record matched: record
    ``first_id + k``), given by the import's event ``seq``: an answer with no note compact
    (its reviewer and time the event's), anything else a full entry."""
    db.execute("INSERT INTO answer_pack (record_id, audit_id, event_seq, pack) "
               f"SELECT ? + k, ?, ?, pack FROM ({_new_packs(stage, cells)}) ORDER BY k",
               (first_id, audit_id, seq, reviewer, now, seq))


def copy_prepared(db: Database, first_id: int, audit_id: int, seq: int | None) -> bool:
    """Under the write lock: :func:`prepare_new`'s packs written (records ``first_id + k``,
    given by event ``seq``, the base its full entries count from); whether there were any."""
    if not scratch.exists(db, NEW_PACKS):
        return False
    db.execute("INSERT INTO answer_pack (record_id, audit_id, event_seq, base_seq, pack) "
               f"SELECT ? + k, ?, ?, CASE WHEN {NESTED.format('pack')} > 0 THEN ? END, pack "
               f"FROM {NEW_PACKS} ORDER BY k", (first_id, audit_id, seq, seq))
    return True


def prepare_new(db: Database, stage: str, cells: list[tuple[str, str, str]], reviewer: str,
                now: str) -> None:
    """Before the write lock: the new records' packs (as :func:`insert_new` makes them, but a
    full entry's event counted from its pack's base: 0, the import's own seq once the lock
    gives it; ``reviewer`` and ``now``: the import's, which the lock keeps), so that
    :func:`copy_prepared` only copies them (docs/performance.md, "A noted import's new packs
    before the lock")."""
    db.execute(f"DROP TABLE IF EXISTS {NEW_PACKS}")
    db.execute(f"CREATE {scratch.table(db, NEW_PACKS)} (k INTEGER PRIMARY KEY, pack TEXT NOT NULL)")
    db.execute(f"INSERT INTO {NEW_PACKS} {_new_packs(stage, cells)}", (reviewer, now, 0))


_SHORT = "j.type = 'array' AND json_array_length(j.value) = 2"
_FULL = "j.type = 'array' AND json_array_length(j.value) > 2"
# an entry's event: its own number, or (zero or less) counted from its pack's base
# (migrations._to_11; docs/performance.md, "Entries counted from their pack's base")
SHORT_SEQ = "CASE WHEN ({e} ->> 1) > 0 THEN {e} ->> 1 ELSE {base} - ({e} ->> 1) END"
_FULL_SEQ = ("CASE WHEN (j.value ->> 5) <= 0 THEN p.base_seq - (j.value ->> 5) "
             "ELSE j.value ->> 5 END")
_COUNTED = (f"({_SHORT} AND (j.value ->> 1) <= 0) OR ({_FULL} AND (j.value ->> 5) <= 0)")
# An entry ``j`` (of ``json_each(p.pack)``) read as the view reads it (migrations._to_10):
# its state, value, note ('' where it has none) and event seq; a test holds them equal to the
# view's rows
UNPACKED = {
    "state": "CASE WHEN j.type = 'text' THEN 1 WHEN j.type = 'integer' THEN j.value "
             f"WHEN {_SHORT} AND json_type(j.value, '$[0]') = 'text' THEN 1 "
             "ELSE j.value ->> 0 END",
    "value": "CASE WHEN j.type = 'text' THEN j.value WHEN j.type = 'integer' THEN NULL "
             f"WHEN {_SHORT} THEN CASE WHEN json_type(j.value, '$[0]') = 'text' "
             "THEN j.value ->> 0 END ELSE j.value ->> 1 END",
    "note": f"CASE WHEN {_FULL} THEN COALESCE(j.value ->> 2, '') ELSE '' END",
    "event_seq": f"CASE WHEN {_FULL} THEN {_FULL_SEQ} WHEN {_SHORT} THEN "
                 f"{SHORT_SEQ.format(e='j.value', base='p.base_seq')} ELSE p.event_seq END",
}


def unpacked(columns: str, where: str) -> str:
    """SQL for the answers of the packs ``p`` that ``where`` picks, one row per answer, as the
    view gives them but read from the packs alone (no event looked up for a reviewer or a
    time): ``columns`` among ``record_id``, ``question_id``, ``key`` (``record * STRIDE +
    slot``, the slot its question's place in the pack: ``migrations._to_12``) and
    :data:`UNPACKED`'s, and ``entry`` (an array entry as stored, else NULL; a short one
    counted from its pack's base as if it named its event) and ``counted`` (1 for such a
    one)."""
    known = {"record_id": "p.record_id", "question_id": "q.question_id",
             "key": f"p.record_id * {STRIDE} + j.key",
             "entry": f"CASE WHEN {_SHORT} AND (j.value ->> 1) <= 0 THEN json_array("
                      "j.value -> 0, p.base_seq - (j.value ->> 1)) WHEN "
                      f"{_FULL} AND (j.value ->> 5) <= 0 THEN json_set(j.value, '$[5]', "
                      "p.base_seq - (j.value ->> 5)) WHEN j.type = 'array' THEN j.value END",
             "counted": f"CASE WHEN {_COUNTED} THEN 1 ELSE 0 END", **UNPACKED}
    named = [c.strip() for c in columns.split(",")]
    listed = ", ".join(f"{known[c]} AS {c}" for c in named)
    slots = (" JOIN pack_slot q ON q.audit_id = p.audit_id AND q.slot = j.key"
             if "question_id" in named else "")
    return (f"SELECT {listed} FROM answer_pack p JOIN json_each(p.pack) j{slots} "
            f"WHERE j.type <> 'null' AND {where}")


def keep_old(db: Database, stage: str) -> None:
    """The stored answers of the records ``stage`` matched, unpacked once into a working
    table (``store.scratch``) keyed by record and slot (the question's place in the set)
    the merge reads as it would the answer table (``store.merge``): state, value and note
    as the view gives them (:func:`unpacked`), ``entry`` an array entry as stored. Its key
    is one integer, ``record * STRIDE + slot`` (a rowid: the change table's pass looks each
    cell up by it faster than by a key of two columns)."""
    db.execute(f"DROP TABLE IF EXISTS {OLD}")
    db.execute(f"CREATE {scratch.table(db, OLD)} (id INTEGER PRIMARY KEY, state INTEGER NOT NULL, "
               "value TEXT, note TEXT NOT NULL, entry TEXT, counted INTEGER NOT NULL)")
    # the entries counted from their pack's base, found at once (``build``'s held; often none)
    db.execute(f"CREATE INDEX {scratch.index(db, 'ix_merge_old_counted')} ON {OLD} (id) "
               "WHERE counted = 1")
    db.execute(f"INSERT INTO {OLD} " + unpacked(
        "key, state, value, note, entry, counted",
        f"j.key < {STRIDE} AND p.record_id IN (SELECT rid FROM {stage} WHERE rid IS NOT NULL)"))


PATCH = "merge_patch"        # each changed record's new pack (a merge)
MASKED = 62                  # slots below this have a bit in a patch's masks


def _pair(k: int, old: str) -> str:
    """json_set's path and value for slot ``k`` of a patched pack (``u``: the patch): a slot
    the patch or its held entries name (a bit of their masks: no look-up where none does) is
    set to theirs, any other left as it is (a path past the pack's end changes nothing);
    ``old``: the stored pack."""
    patched, held = f"u.patch -> '$.\"{k}\"'", f"h.held -> '$.\"{k}\"'"
    if k >= MASKED:
        return f"'$[{k}]', COALESCE({patched}, {held}, {old} -> {k})"
    bit = 1 << k
    return (f"CASE WHEN u.mask & {bit} OR h.hmask & {bit} THEN '$[{k}]' ELSE '$[{SKIP}]' END, "
            f"CASE WHEN u.mask & {bit} THEN {patched} WHEN h.hmask & {bit} THEN {held} END")


SKIP = 2 ** 31                   # a slot no pack reaches


def apply(db: Database, change: str, audit_id: int, reviewer: str, now: str,
          seqs: str, import_seq: int | None) -> None:
    """Write a merge's change table over the packs (``seqs``: SQL for a cell's event)."""
    build(db, change, audit_id, reviewer, now, seqs, import_seq)
    write(db, audit_id)


def build(db: Database, change: str, audit_id: int, reviewer: str, now: str,
          seqs: str, import_seq: int | None, counted_from: int | None = None) -> bool:
    """One pass over the change table groups each changed record's cells into a patch, a
    JSON object of their entries by slot (a cell left blank without a note: null, removed),
    set in its stored pack (made long enough) into a temporary table. An answer the
    import gives, with no note, is a short entry ``[value or state, event seq]``: its event
    (or the pack of events holding it) has the import's reviewer and time. The change table
    carries what is needed of the stored answer (``old_entry``: an array entry as stored,
    ``had``: one was stored), so no stored answer is looked up again (but a compact one's
    pack's event, for a kept answer whose note alone changes). Made before the write lock
    where the merge is (``store.merge_check``).

    ``counted_from`` (the import's own seq as foreseen): the entries name their events
    counted from it, ``foreseen - seq`` (zero or less), so that :func:`write` only sets their
    packs' base to the seq the import gets, whatever it is; the patches then also carry the
    entries their records hold counted from the base before, as the events they name.
    Whether the entries were made so."""
    kept = "c.had = 1 AND c.state = c.old_state AND c.value IS c.old_value"
    full = "json_array_length(c.old_entry) > 2"
    login = f"CASE WHEN {full} THEN c.old_entry ->> 6 END"
    # a kept answer's reviewer and time as the view finds them: a full entry's own, a short
    # one's event (or the pack of events holding it), a compact one's the pack's event
    short_of = ("(SELECT g.{} FROM event g WHERE g.audit_id = ? AND g.seq >= c.old_entry ->> 1 "
                "ORDER BY g.seq LIMIT 1)")
    pack_of = ("(SELECT g.{} FROM answer_pack ap JOIN event g ON g.audit_id = ? "
               "AND g.seq = ap.event_seq WHERE ap.record_id = c.rid)")
    who = {k: f"CASE WHEN {full} THEN c.old_entry ->> {i} WHEN c.old_entry IS NOT NULL THEN "
              f"{short_of.format(k)} ELSE {pack_of.format(k)} END"
           for k, i in (("reviewer", 3), ("at", 4))}
    short = (f"c.note = '' AND c.state IN (1, 2) AND NOT ({kept}) AND {login} IS NULL "
             "AND c.eseq IS NOT NULL")
    cells = f"(SELECT *, {seqs} AS eseq FROM {change}) c"
    eseq = "c.eseq" if counted_from is None else f"{int(counted_from)} - c.eseq"
    # first the most common cell, tested cheaply: an answer replacing a compact one
    common = (f"c.old_entry IS NULL AND c.note = '' AND c.state = 1 AND c.value IS NOT NULL "
              f"AND c.eseq IS NOT NULL AND NOT ({kept})")
    entry = (f"CASE WHEN {common} THEN json_array(CAST(c.value AS TEXT), {eseq}) "
             "WHEN c.state = 0 AND c.note = '' THEN NULL "
             f"WHEN {short} AND c.state = 1 AND c.value IS NOT NULL "
             f"THEN json_array(CAST(c.value AS TEXT), {eseq}) "
             f"WHEN {short} AND c.state = 2 THEN json_array(2, {eseq}) "
             "ELSE json_array(c.state, c.value, c.note, "
             f"CASE WHEN {kept} THEN {who['reviewer']} WHEN c.state IN (1, 2) THEN ? "
             "ELSE '' END, "
             f"CASE WHEN {kept} THEN {who['at']} WHEN c.state IN (1, 2) THEN ? ELSE '' END, "
             f"CASE WHEN {kept} THEN NULL ELSE {eseq} END, {login}) END")
    # the entries counted from the old base (``keep_old`` made them name their events): held,
    # set before the patch, whose own cells (a null: removed) then win
    slot = f"id % {STRIDE}"
    held = (f"(SELECT id / {STRIDE} AS record_id, json_group_object(CAST({slot} AS TEXT), "
            f"json(entry)) AS held, SUM(CASE WHEN {slot} < {MASKED} THEN 1 << ({slot}) "
            f"ELSE 0 END) AS hmask FROM {OLD} WHERE counted = 1 GROUP BY id / {STRIDE})"
            if counted_from is not None else
            "(SELECT NULL AS record_id, NULL AS held, 0 AS hmask)")
    top = int(db.scalar("SELECT MAX(slot) FROM pack_slot WHERE audit_id = ?", (audit_id,)) or 0)
    old = "COALESCE(a.pack, '[]')"          # the stored pack, made long enough for every slot
    packed = ("CASE WHEN json_array_length({2}) > {0} THEN {2} ELSE json(CASE WHEN {2} = '[]' "
              "THEN '[' || substr({1}, 2) ELSE substr({2}, 1, length({2}) - 1) || {1} END "
              "|| ']') END").format(top, f"replace(hex(zeroblob({top} + 1 - "
                                         f"json_array_length({old}))), '00', ',null')", old)
    pairs = [_pair(k, old) for k in range(top + 1)]
    for i in range(0, len(pairs), ARGS // 2):       # at most 127 arguments a call
        packed = f"json_set({packed}, {', '.join(pairs[i:i + ARGS // 2])})"
    db.execute(f"DROP TABLE IF EXISTS {PATCH}")
    db.execute(f"CREATE {scratch.table(db, PATCH)} (rid INTEGER PRIMARY KEY, pack TEXT NOT NULL, "
               "moved INTEGER NOT NULL, turned INTEGER NOT NULL, filled INTEGER, "
               "off INTEGER NOT NULL)")
    # in the same pass, what the record's completeness needs (store.merge_records): how far
    # its tallied cells move its count of answers, and whether one became or stopped being
    # blank; and which slots it names (a bit each, the first MASKED: only those looked up)
    db.execute(f"INSERT INTO {PATCH} SELECT u.rid, {packed}, u.moved, u.turned, NULL, 0 FROM "
               f"(SELECT c.rid AS rid, json_group_object(CAST(c.slot AS TEXT), {entry}) AS "
               "patch, SUM(c.tallied * ((c.state <> 0) - (c.old_state <> 0))) AS moved, "
               "MAX(c.tallied * ((c.state = 0) <> (c.old_state = 0))) AS turned, "
               f"SUM(CASE WHEN c.slot < {MASKED} THEN 1 << c.slot ELSE 0 END) AS mask "
               f"FROM {cells} GROUP BY c.rid) u LEFT JOIN {held} h ON h.record_id = u.rid "
               "LEFT JOIN answer_pack a ON a.record_id = u.rid",
               (audit_id, audit_id, reviewer, audit_id, audit_id, now, import_seq))
    return counted_from is not None


def write(db: Database, audit_id: int, base: int | None = None) -> None:
    """Write :func:`build`'s new packs over the stored ones, one statement (a record left
    with no answer loses its pack); ``base``: the seq the entries made counted from the
    import's foreseen seq count from (the import's own, under the lock), each pack's moved on
    by its ``off`` (a record's own base: ``merge_rows.patches``)."""
    empty = f"substr(u.pack, 1, 5) = '[null' AND {EMPTY.format('u.pack')}"
    db.execute("INSERT OR IGNORE INTO answer_pack (record_id, audit_id, event_seq, pack) "
               f"SELECT rid, ?, NULL, '[]' FROM {PATCH} u WHERE NOT ({empty})", (audit_id,))
    db.execute("UPDATE answer_pack SET pack = u.pack, base_seq = COALESCE(? + u.off, base_seq) "
               f"FROM {PATCH} u WHERE answer_pack.record_id = u.rid", (base,))
    db.execute(f"DELETE FROM answer_pack WHERE record_id IN (SELECT rid FROM {PATCH} u "
               f"WHERE {empty})")


def filled(record: str, slots: str) -> str:
    """SQL counting the answers (any but blank) of record ``record`` to the questions whose
    slots the subquery ``slots`` lists, read from its pack (not through the view)."""
    return ("SELECT COUNT(*) FROM answer_pack p, json_each(p.pack) j "
            f"WHERE p.record_id = {record} AND j.key IN ({slots}) "
            "AND j.type <> 'null' AND NOT (j.type = 'array' "
            "AND json_array_length(j.value) > 2 AND j.value ->> 0 = 0)")
