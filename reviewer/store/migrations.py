"""Creating and upgrading the schema: numbered steps written as code, each tested on a stored
database of the version before it (``tests/fixtures``).

``ensure_schema`` runs when a database is opened. It reads ``meta.schema_version``; a database
with no tables at all is new and gets the whole schema; anything it cannot read (a locked or
corrupt file, a file that is not a reviewer database) is an error, never taken for "no schema
yet". Upgrades run in one write transaction, re-checking the version once the lock is held (two
programs opening an old database at once upgrade it once). Before a SQLite file is upgraded, a
copy is kept beside it as ``FILE.schemaN.bak`` (mode 0600).

Steps build their SQL from the SQLModel tables in ``schema`` (``CREATE TABLE``, ``ADD COLUMN``
compiled for the database's dialect), so a new and an upgraded database end up the same.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer import SCHEMA_VERSION
from reviewer.clock import now_iso

if TYPE_CHECKING:
    from reviewer.store.db import Database


def _error(db: Database, message: str):
    from reviewer.store.db import DatabaseError, display_target

    return DatabaseError(f"{display_target(db.target)}: {message}")


def read_version(db: Database) -> int:
    """The stored schema version; 0 for a database with no tables at all."""
    from reviewer.store.db import one_line

    try:
        if db.dialect == "sqlite":
            tables = {r[0] for r in db.all("SELECT name FROM sqlite_master WHERE type = 'table'")}
        else:
            tables = {r[0] for r in db.all(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()")}
        if "meta" not in tables:
            if tables:
                raise _error(db, "this database was not made by reviewer (it has tables but "
                                 "no schema version); give another --db")
            return 0
        value = db.scalar("SELECT value FROM meta WHERE key = 'schema_version'")
    except Exception as exc:  # noqa: BLE001 - locked, corrupt, unreadable: never "new"
        if getattr(exc, "problems", None):
            raise
        raise _error(db, f"cannot read the database: {one_line(exc)}") from None
    if value is None or not str(value).isdigit():
        raise _error(db, "the database has no valid schema version")
    return int(value)


def ensure_schema(db: Database) -> None:
    current = read_version(db)
    if current == SCHEMA_VERSION:
        return
    if current > SCHEMA_VERSION:
        raise _error(db, f"was written by a newer version of reviewer (schema {current}; this "
                         f"one knows {SCHEMA_VERSION}): upgrade reviewer")
    if current > 0:
        _backup(db, current)
    with db.transaction():
        current = read_version(db)       # again, under the lock
        if current == 0:
            create(db)
            current = 2
        for version in range(current + 1, SCHEMA_VERSION + 1):
            STEPS[version](db)
        set_version(db, SCHEMA_VERSION)


def set_version(db: Database, version: int) -> None:
    db.execute("DELETE FROM meta WHERE key = 'schema_version'")
    db.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(version),))


def create(db: Database) -> None:
    """A new database at schema 2 (the steps after it follow, as for an upgrade)."""
    from reviewer.store import schema

    for statement in schema.ddl(db.dialect):
        db.execute(statement)
    for name in schema.APPEND_ONLY:
        append_only(db, name)


def append_only(db: Database, table: str) -> None:
    """Triggers that refuse any UPDATE or DELETE of ``table`` (the history is never edited)."""
    message = f"{table} rows are append-only"
    if db.dialect == "sqlite":
        for op in ("UPDATE", "DELETE"):
            db.execute(f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
        return
    db.execute(f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
               f"BEGIN RAISE EXCEPTION '{message}'; END $$ LANGUAGE plpgsql")
    db.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
               f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()")


def add_table(db: Database, name: str) -> None:
    from sqlalchemy.schema import CreateIndex, CreateTable

    from reviewer.store import schema

    dialect, t = schema.sql_dialect(db.dialect), schema.table(name)
    db.execute(str(CreateTable(t).compile(dialect=dialect)))
    for ix in t.indexes:
        db.execute(str(CreateIndex(ix).compile(dialect=dialect)))


def add_columns(db: Database, table: str, columns: list[str]) -> None:
    from sqlalchemy.schema import CreateColumn

    from reviewer.store import schema

    dialect, t = schema.sql_dialect(db.dialect), schema.table(table)
    for name in columns:
        spec = str(CreateColumn(t.c[name]).compile(dialect=dialect))
        db.execute(f"ALTER TABLE {table} ADD COLUMN {spec}")


def _backup(db: Database, version: int) -> None:
    """Keep a copy of a SQLite file as it was before an upgrade (owner-only)."""
    from reviewer.store.db import sqlite_path

    path = sqlite_path(db.target)
    if path is None or path == ":memory:":
        return
    from reviewer.files.private import private_output

    target = Path(path).expanduser().with_name(Path(path).name + f".schema{version}.bak")
    if target.exists():
        return
    import sqlite3

    with private_output(target) as tmp:
        copy = sqlite3.connect(str(tmp))
        try:
            db.conn.backup(copy)
        finally:
            copy.close()


# -- the steps: STEPS[n] brings a database from version n-1 to n ---------------------------------
def _to_2(db: Database) -> None:
    """History (SPEC §6), sign-off and calibration of audits, assignment of records, undo that
    checks what it overwrites, improvement plans."""
    add_table(db, "event")
    append_only(db, "event")
    add_table(db, "plan")
    add_table(db, "plan_item")
    add_columns(db, "audit", ["signed_off_by", "signed_off_at", "calibrates"])
    add_columns(db, "record", ["assigned_to"])
    add_columns(db, "answer", ["event_seq"])
    add_columns(db, "undo", ["after"])
    # The history of an audit made before it was kept begins with one event that says so.
    at = now_iso()
    for audit_id, records, answers in db.all(
            "SELECT a.id, (SELECT COUNT(*) FROM record r WHERE r.audit_id = a.id), "
            "(SELECT COUNT(*) FROM answer n WHERE n.audit_id = a.id) FROM audit a ORDER BY a.id"):
        db.execute("INSERT INTO event (audit_id, seq, at, reviewer, action, detail) "
                   "VALUES (?, 1, ?, ?, 'upgrade', ?)",
                   (audit_id, at, "reviewer",
                    "history begins: the audit was made before its history was kept (schema "
                    f"1 -> 2), with {records} records and {answers} answer rows"))


def _to_3(db: Database) -> None:
    """Accountable evidence (docs/evidence.md): who (login) on answers and events, the history's
    hash chain, sealed commitments of disposed texts, per-audit policy (purpose required,
    review date, disposal), the team's roles, and the database's pseudonym secret. Events
    written before are hashed now, in order, so the chain starts complete."""
    blob = "BLOB" if db.dialect == "sqlite" else "BYTEA"
    boolean = "BOOLEAN"
    for table, column, kind in (("answer", "login", "VARCHAR"), ("event", "login", "VARCHAR"),
                                ("event", "salt", blob), ("event", "prev", blob),
                                ("event", "hash", blob), ("event", "rows", blob)):
        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    db.execute(f"CREATE TABLE event_seal (audit_id INTEGER NOT NULL, seq INTEGER NOT NULL, "
               f"ref {blob}, before {blob}, after {blob}, detail {blob}, "
               "PRIMARY KEY (audit_id, seq))")
    db.execute(f"CREATE TABLE audit_policy (audit_id INTEGER NOT NULL, require_purpose "
               f"{boolean} NOT NULL, retain_until VARCHAR, disposed_at VARCHAR, "
               "PRIMARY KEY (audit_id))")
    db.execute("CREATE TABLE team_member (login VARCHAR NOT NULL, role VARCHAR NOT NULL, "
               "display_name VARCHAR, granted_by VARCHAR NOT NULL, granted_at VARCHAR NOT NULL, "
               "PRIMARY KEY (login))")
    _drop_append_only_2(db)
    _hash_existing_3(db)
    event_triggers_3(db)
    append_only(db, "event_seal")
    db.execute("INSERT INTO meta (key, value) VALUES ('pseudonym_secret', ?)", (_secret(),))
    if db.dialect != "sqlite":      # the server writes who: session_user, whatever is sent
        db.execute("CREATE OR REPLACE FUNCTION reviewer_set_login() RETURNS trigger AS $$ "
                   "BEGIN NEW.login := session_user; RETURN NEW; END $$ LANGUAGE plpgsql")
        db.execute("CREATE TRIGGER event_login BEFORE INSERT ON event FOR EACH ROW "
                   "EXECUTE FUNCTION reviewer_set_login()")
        db.execute("CREATE TRIGGER answer_login BEFORE INSERT OR UPDATE ON answer FOR EACH ROW "
                   "EXECUTE FUNCTION reviewer_set_login()")


def _secret() -> str:
    import secrets

    return secrets.token_hex(32)


def _drop_append_only_2(db: Database) -> None:
    if db.dialect == "sqlite":
        db.execute("DROP TRIGGER event_no_update")
        db.execute("DROP TRIGGER event_no_delete")
    else:
        db.execute("DROP TRIGGER event_append_only ON event")


def _hash_existing_3(db: Database) -> None:
    """Salt and hash the events written before schema 3 (login = the name they recorded); an
    ``upgrade`` event gets the rows of the answers given before history was kept, an ``import``
    event those still carrying its seq. Frozen: the canonical form of version 1, written out
    here (``store.chain`` may move on)."""
    import hashlib
    import json
    import os
    import zlib

    def commit(salt: bytes, text: str | None) -> str | None:
        return None if text is None else hashlib.sha256(salt + text.encode("utf-8")).hexdigest()

    def label(state: int, value: str | None) -> str:
        return (value or "") if state == 1 else "n/a"          # 1 answered, 2 n/a

    heads: dict[int, bytes | None] = {}
    for (audit_id, seq, at, reviewer, action, ref, question, before, after,
         detail) in db.all("SELECT audit_id, seq, at, reviewer, action, ref, question, before, "
                           "after, detail FROM event ORDER BY audit_id, seq"):
        rows = None
        if action in ("upgrade", "import"):
            given = [[rid, qid, label(state, value)] for rid, qid, state, value in db.all(
                "SELECT record_id, question_id, state, value FROM answer WHERE audit_id = ? "
                f"AND event_seq {'IS NULL' if action == 'upgrade' else '= ?'} "
                "AND state IN (1, 2) ORDER BY record_id, question_id",
                (audit_id,) if action == "upgrade" else (audit_id, seq))]
            rows = zlib.compress(json.dumps(given, ensure_ascii=False, separators=(",", ":"))
                                 .encode("utf-8"), 6)
        salt, prev = os.urandom(16), heads.get(audit_id)
        doc = [1, audit_id, seq, at, reviewer, reviewer, action, question,
               *(commit(salt, t) for t in (ref, before, after, detail)),
               hashlib.sha256(rows).hexdigest() if rows is not None else None]
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        digest = hashlib.sha256((prev or b"\0" * 32) + body).digest()
        db.execute("UPDATE event SET login = ?, salt = ?, prev = ?, hash = ?, rows = ? "
                   "WHERE audit_id = ? AND seq = ?",
                   (reviewer, salt, prev, digest, rows, audit_id, seq))
        heads[audit_id] = digest
    db.execute("UPDATE answer SET login = reviewer WHERE reviewer <> ''")


# Disposal (and nothing else) may blank an event's texts and salt, once their commitments are
# sealed and the audit has a dispose event; every other UPDATE or DELETE of history is refused.
_SAME_3 = ("audit_id", "seq", "at", "login", "reviewer", "action", "question", "prev", "hash",
           "rows")


def event_triggers_3(db: Database) -> None:
    message = "event rows are append-only"
    same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" if db.dialect != "sqlite"
                        else f"NEW.{c} IS OLD.{c}" for c in _SAME_3)
    allowed = (f"{same} AND NEW.salt IS NULL AND "
               "EXISTS (SELECT 1 FROM event_seal s WHERE s.audit_id = OLD.audit_id AND "
               "s.seq = OLD.seq) AND EXISTS (SELECT 1 FROM event d WHERE d.audit_id = "
               "OLD.audit_id AND d.action = 'dispose')")
    if db.dialect == "sqlite":
        db.execute(f"CREATE TRIGGER event_no_update BEFORE UPDATE ON event "
                   f"WHEN NOT ({allowed}) BEGIN SELECT RAISE(ABORT, '{message}'); END")
        db.execute(f"CREATE TRIGGER event_no_delete BEFORE DELETE ON event "
                   f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
        return
    db.execute("CREATE OR REPLACE FUNCTION event_append_only() RETURNS trigger AS $$ BEGIN "
               f"IF TG_OP = 'UPDATE' AND {allowed} THEN RETURN NEW; END IF; "
               f"RAISE EXCEPTION '{message}'; END $$ LANGUAGE plpgsql")
    db.execute("CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event "
               "FOR EACH ROW EXECUTE FUNCTION event_append_only()")


STEPS: dict[int, Callable[[Database], None]] = {2: _to_2, 3: _to_3}
