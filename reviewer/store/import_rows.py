"""An import's given rows (docs/evidence.md, "Tamper evidence"): the answers an import brought
to blank cells, listed and packed for the chain by the database, a range of records at a time
(docs/performance.md, "Verify, history and the first import in flat memory"). The import's
event commits them and ``verify`` replays them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from reviewer.store.db import Database

GIVEN_RANGE = 20_000     # record ids whose given answers are read at a time
NewRows = Callable[[], Iterator[str]]   # an import's new answers, a run of elements at a time
LABEL = "CASE state WHEN 1 THEN COALESCE(value, '') ELSE 'n/a' END"


def given_rows(db: Database, audit_id: int, seq: int, new: NewRows | None = None,
               within: tuple[int, int] | None = None) -> bytes:
    """The answers event ``seq`` gave (an import's, to blank cells), packed for the chain: the
    import's event commits them (docs/evidence.md). The database builds the JSON list, each
    answer written as in answer tables (``questions.logic.history_label``: the value, or
    ``n/a``), a range of record ids at a time, compressed as it comes: the same bytes as the
    whole list packed at once, in flat memory at a million records (docs/performance.md). On
    SQLite read over the packs' primary key's range (``+audit_id``: the packs had an audit
    index until schema 14). ``new``: the import's new records' answers,
    made before the lock (:func:`new_rows`, ``store.staging.prepare_new``), which no answer
    carries ``seq`` for yet; they come first. ``within``: the lowest and highest ids of the
    records the import wrote (``staging.touched``), read instead of the audit's: the same list,
    whatever the audit's size (a one-row import of a large audit)."""
    from reviewer.store.chain import listed, pack_parts

    sep = _separator(db)
    found = (_given_chunks(db, audit_id, seq, within), sep)
    return pack_parts(listed((new(), sep), found) if new is not None else listed(found))




def record_rows(rows: str, rid: str, qid: str, label: str, group: str) -> str:
    """SQLite: SQL listing the answers ``rows`` selects (its FROM and WHERE), as an import's
    rows list them a record at a time (docs/evidence.md, "An import's rows"): one element per
    record, ``[record, question, answer, question, answer, ...]``, the elements joined by
    commas (NULL where there are none). The record is written once, not once per answer."""
    return (f"SELECT group_concat(e, ',') FROM (SELECT '[' || {rid} || ',' || "
            f"group_concat(json_quote({qid}) || ',' || json_quote({label}), ',') || ']' AS e "
            f"{rows} GROUP BY {group})")


def _elements(db: Database, part: str | None) -> str:
    """A range's elements as a run of text: SQLite's ``record_rows`` gives them so (or NULL),
    PostgreSQL's ``json_agg`` as a whole list (brackets taken off); '' where there are none."""
    if db.dialect != "sqlite":
        return "" if part in (None, "[]") else str(part)[1:-1]
    return str(part or "")


def _separator(db: Database) -> str:
    """Between the elements of a list the database aggregates (``json_agg`` spaces them)."""
    return "," if db.dialect == "sqlite" else ", "


def _given_chunks(db: Database, audit_id: int, seq: int,
                  within: tuple[int, int] | None) -> Iterator[str]:
    if db.dialect == "sqlite":
        sql = record_rows("FROM answer WHERE record_id BETWEEN ? AND ? AND +audit_id = ? "
                          "AND event_seq = ? AND state IN (1, 2)",
                          "record_id", "question_id", LABEL, "record_id")
    else:
        sql = (f"SELECT COALESCE(json_agg(json_build_array(record_id, question_id, {LABEL})), "
               "'[]'::json)::text FROM answer WHERE record_id BETWEEN ? AND ? AND audit_id = ? "
               "AND event_seq = ? AND state IN (1, 2)")
    low, high = within or db.one("SELECT MIN(id), MAX(id) FROM record WHERE audit_id = ?",
                                 (audit_id,))
    for start in range(low or 0, (high or -1) + 1, GIVEN_RANGE):
        part = _elements(db, db.scalar(sql, (start, start + GIVEN_RANGE - 1, audit_id, seq)))
        if part:
            yield part


def changed_given(db: Database, change: str, every: bool = True) -> NewRows:
    """The answers an import's merge (its change table ``change``: ``store.merge``) brings to
    blank cells of existing records, as :func:`given_rows` lists them, in the table's order, a
    range of it at a time. On PostgreSQL the merge ran before the write lock, so the answers
    carry no seq; on SQLite reading the change table spares reading every answer of the audit
    for the import's seq (its cells with no event of their own have negative numbers;
    ``every``: the positive ones read too, as where the file has a note column)."""
    label = LABEL.replace("state", "c.state").replace("value", "c.value")
    cells = (f"FROM {change} c WHERE c.n BETWEEN ? AND ? AND c.ans = 0 "
             "AND c.state IN (1, 2) AND c.old_state NOT IN (1, 2)")
    if db.dialect == "sqlite":
        sql = record_rows(f"FROM (SELECT c.rid AS rid, c.qid AS qid, c.state AS state, "
                          f"c.value AS value {cells})", "rid", "qid", LABEL, "rid")
    else:
        sql = (f"SELECT COALESCE(json_agg(json_build_array(c.rid, c.qid, {label}) "
               f"ORDER BY c.n), '[]'::json)::text {cells}")
    # each from its end of the key (one query asking for both reads the whole table)
    low = db.scalar(f"SELECT MIN(n) FROM {change}")
    top = db.scalar(f"SELECT MAX(n) FROM {change}")
    low, top = (1, 0) if low is None else (low, top)
    if low < 0 and not every:   # SQLite, no note column (``store.merge.noted``): the cells
        top = -1                # with no event of their own are the negative keys, so the
                                # positive ones need no reading

    def chunks() -> Iterator[str]:
        for start in range(int(low), int(top) + 1, GIVEN_RANGE * 10):
            part = _elements(db, db.scalar(sql, (start, min(start + GIVEN_RANGE * 10 - 1, top))))
            if part:
                yield part
    return chunks


def merged_given(db: Database, change: str, new: NewRows | None, every: bool = True) -> bytes:
    """SQLite, under the write lock: the answers an import gives, packed for the chain as
    :func:`given_rows` packs them: its new records' (``new``, made before the lock) first,
    then those its merge brought to blank cells (:func:`changed_given`)."""
    from reviewer.store.chain import listed, pack_parts

    merged = (changed_given(db, change, every)(), _separator(db))
    return pack_parts(listed((new(), _separator(db)), merged) if new is not None
                      else listed(merged))


def new_rows(db: Database, first_id: int, last_id: int) -> NewRows:
    """PostgreSQL: the answers given to records ``first_id`` .. ``last_id`` (an import's new
    records, written before the write lock, their event not yet known), as :func:`given_rows`
    lists them, read a range of records at a time whenever they are packed."""
    sql = ("SELECT COALESCE(json_agg(json_build_array(record_id, question_id, "
           f"{LABEL})), '[]'::json)::text FROM answer WHERE record_id "
           "BETWEEN ? AND ? AND state IN (1, 2)")

    def chunks() -> Iterator[str]:
        for start in range(first_id, last_id + 1, GIVEN_RANGE):
            part = str(db.scalar(sql, (start, min(start + GIVEN_RANGE - 1, last_id))))
            if part != "[]":
                yield part[1:-1]
    return chunks
