"""SQLite's answer packs (``store.packs``) as the import writes them, set-based
(docs/performance.md, "Answers packed per record"): its new records' packs, the matched
records' stored answers unpacked for the merge, and the merge's changes patched onto their
packs; and the SQL that reads the packs' entries as the ``answer`` view does, without it."""

from __future__ import annotations

from reviewer.store.db import Database

OLD = "merge_old"            # the matched records' stored answers, one row each (a merge)


NEW_PACKS = "import_new_pack"   # SQLite: the new records' packs, made before the write lock
_ENTRY = ("CASE WHEN note = '' AND state = 1 AND value IS NOT NULL THEN CAST(value AS TEXT) "
          "WHEN note = '' AND state IN (2, 3) THEN state "
          "ELSE json_array(state, value, note, CASE WHEN state <> 0 THEN ? ELSE '' END, "
          "CASE WHEN state <> 0 THEN ? ELSE '' END, ?, NULL) END")
_COMPACT = "note = '' AND ((state = 1 AND value IS NOT NULL) OR state IN (2, 3))"


def insert_new(db: Database, source: str, first_id: int, audit_id: int, reviewer: str,
               now: str, seq: int | None) -> None:
    """The packs of an import's new records, from ``source`` (rows k, qid, state, value,
    note: record ``first_id + k``), given by the import's event ``seq``: an answer with no
    note compact (its reviewer and time the event's), anything else a full entry."""
    db.execute("INSERT INTO answer_pack (record_id, audit_id, event_seq, pack) "
               f"SELECT ? + k, ?, ?, json_group_object(qid, {_ENTRY}) FROM {source} x GROUP BY k",
               (first_id, audit_id, seq, reviewer, now, seq))


def copy_prepared(db: Database, first_id: int, audit_id: int, seq: int | None) -> bool:
    """Under the write lock: the packs :func:`prepare_new` made, written for records
    ``first_id + k`` given by event ``seq``; whether there were any made."""
    if not db.scalar("SELECT 1 FROM sqlite_temp_master WHERE name = ?", (NEW_PACKS,)):
        return False
    db.execute("INSERT INTO answer_pack (record_id, audit_id, event_seq, pack) "
               f"SELECT ? + k, ?, ?, pack FROM {NEW_PACKS} ORDER BY k", (first_id, audit_id, seq))
    return True


def prepare_new(db: Database, source: str) -> bool:
    """Before the write lock: the new records' packs from ``source`` (a table keyed by record
    and question: ``store.staging.prepare_new``), made now when every entry is compact (no
    note, no blank: nothing in a pack then names the reviewer, the time or the event, which
    the write lock settles), so that :func:`copy_prepared` only copies them; whether it did."""
    db.execute(f"DROP TABLE IF EXISTS {NEW_PACKS}")
    if db.scalar(f"SELECT 1 FROM {source} WHERE NOT ({_COMPACT}) LIMIT 1"):
        return False
    db.execute(f"CREATE TEMP TABLE {NEW_PACKS} (k INTEGER PRIMARY KEY, pack TEXT NOT NULL)")
    db.execute(f"INSERT INTO {NEW_PACKS} SELECT k, json_group_object(qid, {_ENTRY}) "
               f"FROM {source} x GROUP BY k", ("", "", None))   # no entry takes these
    return True


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
    time): ``columns`` among ``record_id``, ``question_id`` and :data:`UNPACKED`'s, and
    ``entry`` (an array entry as stored, else NULL; a short one counted from its pack's base
    as if it named its event), ``counted`` (1 for such a one) and ``pack_seq`` (the pack's
    event)."""
    known = {"record_id": "p.record_id", "question_id": "j.key",
             "entry": f"CASE WHEN {_SHORT} AND (j.value ->> 1) <= 0 THEN json_array("
                      "j.value -> 0, p.base_seq - (j.value ->> 1)) WHEN "
                      f"{_FULL} AND (j.value ->> 5) <= 0 THEN json_set(j.value, '$[5]', "
                      "p.base_seq - (j.value ->> 5)) WHEN j.type = 'array' THEN j.value END",
             "counted": f"CASE WHEN {_COUNTED} THEN 1 ELSE 0 END",
             "pack_seq": "p.event_seq", **UNPACKED}
    listed = ", ".join(f"{known[c.strip()]} AS {c.strip()}" for c in columns.split(","))
    return f"SELECT {listed} FROM answer_pack p, json_each(p.pack) j WHERE {where}"


def keep_old(db: Database, stage: str) -> None:
    """The stored answers of the records the staging table ``stage`` matched, unpacked once
    into a temporary table the merge reads as it would the answer table (``store.merge``):
    state, value and note as the view gives them, read from the packs themselves
    (:func:`unpacked`); ``entry``: an array entry as stored, ``seq``: the pack's event, from
    which :func:`apply` finds the reviewer and time of an answer it keeps."""
    db.execute(f"DROP TABLE IF EXISTS {OLD}")
    db.execute(f"CREATE TEMP TABLE {OLD} (record_id INTEGER NOT NULL, question_id TEXT NOT "
               "NULL, state INTEGER NOT NULL, value TEXT, note TEXT NOT NULL, entry TEXT, "
               "seq INTEGER, counted INTEGER NOT NULL, PRIMARY KEY (record_id, question_id)) "
               "WITHOUT ROWID")
    db.execute(f"INSERT INTO {OLD} " + unpacked(
        "record_id, question_id, state, value, note, entry, pack_seq, counted",
        f"p.record_id IN (SELECT rid FROM {stage} WHERE rid IS NOT NULL)"))


PATCH = "merge_patch"        # each changed record's JSON merge patch (a merge)


def apply(db: Database, change: str, audit_id: int, reviewer: str, now: str,
          seqs: str, import_seq: int | None) -> None:
    """Write a merge's change table over the packs (``store.merge.apply``'s rules, ``seqs``
    its SQL for the event that gives a cell's answer): :func:`build`, then :func:`write`."""
    build(db, change, audit_id, reviewer, now, seqs, import_seq)
    write(db, audit_id)


def build(db: Database, change: str, audit_id: int, reviewer: str, now: str,
          seqs: str, import_seq: int | None, counted_from: int | None = None) -> bool:
    """One pass over the change table groups each changed record's cells into a JSON merge
    patch (a cell left blank without a note is removed), into a temporary table. An answer the
    import gives, with no note, is a short entry ``[value or state, event seq]``: its event
    (or the pack of events holding it) has the import's reviewer and time. The change table
    carries what is needed of the stored answer (``old_entry``: an array entry as stored,
    ``old_pack_seq``: its pack's event, ``had``: one was stored), so no stored answer is
    looked up again. Made before the write lock where the merge is (``store.merge_check``).

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
    pack_of = "(SELECT g.{} FROM event g WHERE g.audit_id = ? AND g.seq = c.old_pack_seq)"
    who = {k: f"CASE WHEN {full} THEN c.old_entry ->> {i} WHEN c.old_entry IS NOT NULL THEN "
              f"{short_of.format(k)} ELSE {pack_of.format(k)} END"
           for k, i in (("reviewer", 3), ("at", 4))}
    short = (f"c.note = '' AND c.state IN (1, 2) AND NOT ({kept}) AND {login} IS NULL "
             "AND c.eseq IS NOT NULL")
    cells = f"(SELECT *, {seqs} AS eseq FROM {change}) c"
    eseq = "c.eseq" if counted_from is None else f"{int(counted_from)} - c.eseq"
    entry = ("CASE WHEN c.state = 0 AND c.note = '' THEN NULL "
             f"WHEN {short} AND c.state = 1 AND c.value IS NOT NULL "
             f"THEN json_array(CAST(c.value AS TEXT), {eseq}) "
             f"WHEN {short} AND c.state = 2 THEN json_array(2, {eseq}) "
             "ELSE json_array(c.state, c.value, c.note, "
             f"CASE WHEN {kept} THEN {who['reviewer']} WHEN c.state IN (1, 2) THEN ? "
             "ELSE '' END, "
             f"CASE WHEN {kept} THEN {who['at']} WHEN c.state IN (1, 2) THEN ? ELSE '' END, "
             f"CASE WHEN {kept} THEN NULL ELSE {eseq} END, {login}) END")
    db.execute(f"DROP TABLE IF EXISTS {PATCH}")
    db.execute(f"CREATE TEMP TABLE {PATCH} (rid INTEGER PRIMARY KEY, patch TEXT NOT NULL, "
               "held TEXT, moved INTEGER NOT NULL, turned INTEGER NOT NULL)")
    # in the same pass, what the record's completeness needs (store.merge_records): how far
    # its tallied cells move its count of answers, and whether one became or stopped being
    # blank
    db.execute(f"INSERT INTO {PATCH} (rid, patch, moved, turned) SELECT c.rid, "
               f"json_group_object(c.qid, {entry}), "
               "SUM(c.tallied * ((c.state <> 0) - (c.old_state <> 0))), "
               "MAX(c.tallied * ((c.state = 0) <> (c.old_state = 0))) "
               f"FROM {cells} GROUP BY c.rid",
               (audit_id, audit_id, reviewer, audit_id, audit_id, now, import_seq))
    if counted_from is None:
        return False
    # the entries counted from the old base (``keep_old`` made them name their events): written
    # before the patch, whose own cells (a null: removed) then win
    db.execute(f"UPDATE {PATCH} SET held = v.held FROM (SELECT record_id AS rid, "
               "json_group_object(question_id, json(entry)) AS held "
               f"FROM {OLD} WHERE counted = 1 GROUP BY record_id) v WHERE {PATCH}.rid = v.rid")
    return True


def write(db: Database, audit_id: int, base: int | None = None) -> None:
    """Patch the packs with :func:`build`'s patches, one statement (a record left with no
    answer loses its pack); ``base``: the seq the entries made counted from the import's
    foreseen seq count from (the import's own, under the lock)."""
    db.execute("INSERT OR IGNORE INTO answer_pack (record_id, audit_id, event_seq, pack) "
               f"SELECT rid, ?, NULL, '{{}}' FROM {PATCH}", (audit_id,))
    db.execute(f"UPDATE answer_pack SET pack = json_patch(CASE WHEN u.held IS NULL THEN pack "
               "ELSE json_patch(pack, u.held) END, u.patch), "
               f"base_seq = COALESCE(?, base_seq) FROM {PATCH} u "
               "WHERE answer_pack.record_id = u.rid", (base,))
    db.execute("DELETE FROM answer_pack WHERE pack = '{}' "
               f"AND record_id IN (SELECT rid FROM {PATCH})")
    db.execute(f"DROP TABLE {PATCH}")


def filled(record: str, questions: str) -> str:
    """SQL counting the answers (any but blank) of record ``record`` to the questions the
    subquery ``questions`` lists, read from its pack (not through the view)."""
    return ("SELECT COUNT(*) FROM answer_pack p, json_each(p.pack) j "
            f"WHERE p.record_id = {record} AND j.key IN ({questions}) AND NOT (j.type = 'array' "
            "AND json_array_length(j.value) > 2 AND j.value ->> 0 = 0)")
