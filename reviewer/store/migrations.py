"""Creating and upgrading the schema: numbered steps, each spelling out its own SQL as it was on
the day it was written, each tested on a stored database of every older version
(``tests/fixtures/schema-vN.db``).

``ensure_schema`` runs when a database is opened. It reads ``meta.schema_version``; a database
with no tables at all is new; anything it cannot read (a locked or corrupt file, a file that is
not a reviewer database) is an error, never taken for "no schema yet". A new database is made by
the same steps as an old one is upgraded by, from step 1, so the two cannot differ. Upgrades run
in one write transaction, re-checking the version once the lock is held (two programs opening an
old database at once upgrade it once). Before a SQLite file is upgraded, a copy is kept beside
it as ``FILE.schemaN.bak`` (mode 0600).

How to add a step (docs/architecture.md, "Changing the schema"):

1. Write ``_to_N`` at the end of this module, N one past the newest step, and add it to
   ``STEPS``; set ``reviewer.SCHEMA_VERSION`` to N. Make the same change in
   ``reviewer/store/models.py`` (today's schema as SQLModel classes; never used to make a
   database): ``tests/unit/test_models_match_migrations.py`` fails until the two agree.
2. Spell out its SQL in the step itself, as text: ``CREATE TABLE``, ``ALTER TABLE ... ADD
   COLUMN``, indexes, triggers, for SQLite and PostgreSQL (``_ddl`` writes ``SERIAL`` and
   `` WITHOUT ROWID`` once for both; write the rest per dialect where they differ). Never build
   it from today's code (models, constants, helpers that may change): a step is frozen the day
   it is released, and an old database must come out of it the same in ten years. Prefer new
   tables to changing old ones; SQLite cannot drop or alter a column in place.
3. Move data the same way, with SQL written in the step.
4. Make a fixture of the new version with that version's code: copy
   ``tests/fixtures/make_schema_vN-1.py`` to ``make_schema_vN.py``, make it fill the new tables
   and columns, run it once and commit both files. ``tests/unit/test_migrations.py`` then
   upgrades every fixture and compares it with a new database given the same data.

Never edit a released step or its fixture: a database somewhere was made by it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reviewer import SCHEMA_VERSION
from reviewer.clock import now_iso
from reviewer.errors import DatabaseError, one_line, redact
from reviewer.store.conn import Connection as Database
from reviewer.store.migrate_13 import to_13
from reviewer.store.migrate_14 import to_14


def _error(db: Database, message: str):
    return DatabaseError(f"{redact(db.target)}: {message}")


def read_version(db: Database) -> int:
    """The stored schema version; 0 for a database with no tables at all."""
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
        for version in range(current + 1, SCHEMA_VERSION + 1):
            STEPS[version](db)
        set_version(db, SCHEMA_VERSION)


def set_version(db: Database, version: int) -> None:
    db.execute("DELETE FROM meta WHERE key = 'schema_version'")
    db.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(version),))


def _backup(db: Database, version: int) -> None:
    """Keep a copy of a SQLite file as it was before an upgrade (owner-only)."""
    path = db.sqlite_file
    if path is None or path == ":memory:":
        return
    from reviewer.private import private_output

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
# Frozen: everything below is history. Add a step; never edit one (see the module docstring).

def _ddl(db: Database, *statements: str) -> None:
    """Run DDL written once for both databases: ``SERIAL`` (an id the database numbers) is
    SQLite's ``INTEGER`` primary key, and `` WITHOUT ROWID`` is SQLite's alone."""
    for sql in statements:
        if db.dialect == "sqlite":
            sql = sql.replace(" SERIAL ", " INTEGER ")
        else:
            sql = sql.replace(" WITHOUT ROWID", "")
        db.execute(sql)


def _to_1(db: Database) -> None:
    """The first release: question sets, audits, records, answers, undo, incident lists."""
    _ddl(db,
         'CREATE TABLE meta ("key" VARCHAR NOT NULL, value VARCHAR NOT NULL, '
         'PRIMARY KEY ("key"))',
         'CREATE TABLE question_set (id SERIAL NOT NULL, "key" VARCHAR NOT NULL, '
         'version INTEGER NOT NULL, title VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, '
         'definition VARCHAR NOT NULL, source VARCHAR NOT NULL, source_name VARCHAR NOT NULL, '
         'PRIMARY KEY (id), UNIQUE ("key", version))',
         'CREATE TABLE undo (id SERIAL NOT NULL, audit_id INTEGER NOT NULL, '
         'record_id INTEGER NOT NULL, question_id VARCHAR NOT NULL, "before" VARCHAR NOT NULL, '
         'reviewer VARCHAR NOT NULL, at VARCHAR NOT NULL, PRIMARY KEY (id))',
         'CREATE INDEX ix_undo_audit_id ON undo (audit_id)',
         'CREATE TABLE audit (id SERIAL NOT NULL, name VARCHAR NOT NULL, '
         'question_set_id INTEGER NOT NULL, description VARCHAR NOT NULL, '
         'created_at VARCHAR NOT NULL, archived BOOLEAN NOT NULL, sample VARCHAR NOT NULL, '
         'PRIMARY KEY (id), UNIQUE (name), '
         'FOREIGN KEY(question_set_id) REFERENCES question_set (id))',
         'CREATE TABLE incident (id SERIAL NOT NULL, audit_id INTEGER NOT NULL, '
         'seq INTEGER NOT NULL, ref VARCHAR NOT NULL, fields VARCHAR NOT NULL, '
         'PRIMARY KEY (id), FOREIGN KEY(audit_id) REFERENCES audit (id))',
         'CREATE INDEX ix_incident_audit_seq ON incident (audit_id, seq)',
         'CREATE TABLE record (id SERIAL NOT NULL, audit_id INTEGER NOT NULL, '
         'seq INTEGER NOT NULL, ref VARCHAR NOT NULL, fields VARCHAR NOT NULL, '
         'complete BOOLEAN NOT NULL, PRIMARY KEY (id), UNIQUE (audit_id, ref), '
         'FOREIGN KEY(audit_id) REFERENCES audit (id))',
         'CREATE INDEX ix_record_audit_seq ON record (audit_id, seq)',
         # WITHOUT ROWID: answers stored in primary-key order, one B-tree fewer to keep up.
         'CREATE TABLE answer (record_id INTEGER NOT NULL, question_id VARCHAR NOT NULL, '
         'audit_id INTEGER NOT NULL, state INTEGER NOT NULL, value VARCHAR, '
         'note VARCHAR NOT NULL, reviewer VARCHAR NOT NULL, answered_at VARCHAR NOT NULL, '
         'PRIMARY KEY (record_id, question_id), '
         'FOREIGN KEY(record_id) REFERENCES record (id)) WITHOUT ROWID',
         'CREATE INDEX ix_answer_tally ON answer (audit_id, question_id, state, value)')


def _to_2(db: Database) -> None:
    """History (docs/contracts.md §6), sign-off and calibration of audits, assignment of
    records, undo that checks what it overwrites, improvement plans."""
    _ddl(db,
         'CREATE TABLE event (audit_id INTEGER NOT NULL, seq INTEGER NOT NULL, '
         'at VARCHAR NOT NULL, reviewer VARCHAR NOT NULL, action VARCHAR NOT NULL, '
         'ref VARCHAR, question VARCHAR, "before" VARCHAR, "after" VARCHAR, '
         'detail VARCHAR NOT NULL, PRIMARY KEY (audit_id, seq))',
         'CREATE INDEX ix_event_ref ON event (audit_id, ref, seq)',
         'CREATE TABLE "plan" (id SERIAL NOT NULL, name VARCHAR NOT NULL, '
         'created_at VARCHAR NOT NULL, updated_at VARCHAR NOT NULL, '
         'source_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, PRIMARY KEY (id), '
         'UNIQUE (name))',
         'CREATE TABLE plan_item (id SERIAL NOT NULL, plan_id INTEGER NOT NULL, '
         'seq INTEGER NOT NULL, ref VARCHAR NOT NULL, area VARCHAR NOT NULL, '
         'due VARCHAR NOT NULL, owner VARCHAR NOT NULL, progress VARCHAR NOT NULL, '
         'updated VARCHAR NOT NULL, complete BOOLEAN, questions VARCHAR NOT NULL, '
         'PRIMARY KEY (id), UNIQUE (plan_id, ref), '
         'FOREIGN KEY(plan_id) REFERENCES "plan" (id))',
         'ALTER TABLE audit ADD COLUMN signed_off_by VARCHAR',
         'ALTER TABLE audit ADD COLUMN signed_off_at VARCHAR',
         'ALTER TABLE audit ADD COLUMN calibrates INTEGER',
         'ALTER TABLE record ADD COLUMN assigned_to VARCHAR',
         'ALTER TABLE answer ADD COLUMN event_seq INTEGER',
         'ALTER TABLE undo ADD COLUMN "after" VARCHAR')
    # The history is append-only: triggers refuse any UPDATE or DELETE of an event.
    if db.dialect == "sqlite":
        db.execute("CREATE TRIGGER event_no_update BEFORE UPDATE ON event "
                   "BEGIN SELECT RAISE(ABORT, 'event rows are append-only'); END")
        db.execute("CREATE TRIGGER event_no_delete BEFORE DELETE ON event "
                   "BEGIN SELECT RAISE(ABORT, 'event rows are append-only'); END")
    else:
        db.execute("CREATE OR REPLACE FUNCTION event_append_only() RETURNS trigger AS $$ "
                   "BEGIN RAISE EXCEPTION 'event rows are append-only'; END $$ "
                   "LANGUAGE plpgsql")
        db.execute("CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event "
                   "FOR EACH ROW EXECUTE FUNCTION event_append_only()")
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
    """The history cannot be rewritten by SQL (docs/safe-files.md, "History"): on SQLite an
    INSERT over an existing event (``REPLACE INTO``, ``INSERT OR REPLACE``, ``INSERT … ON
    CONFLICT``) is refused before it can replace the row (REPLACE fires no DELETE trigger); on
    PostgreSQL ``TRUNCATE event`` (which fires no row trigger) is refused by a statement
    trigger."""
    if db.dialect == "sqlite":
        db.execute("CREATE TRIGGER event_no_overwrite BEFORE INSERT ON event "
                   "WHEN EXISTS (SELECT 1 FROM event WHERE audit_id = NEW.audit_id "
                   "AND seq = NEW.seq) "
                   "BEGIN SELECT RAISE(ABORT, 'event rows are append-only'); END")
    else:
        db.execute("CREATE OR REPLACE FUNCTION event_no_truncate() RETURNS trigger AS $$ "
                   "BEGIN RAISE EXCEPTION 'event rows are append-only'; END $$ "
                   "LANGUAGE plpgsql")
        db.execute("CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event "
                   "FOR EACH STATEMENT EXECUTE FUNCTION event_no_truncate()")


def _to_4(db: Database) -> None:
    """Transcripts stored in the database (docs/listening.md, "Stored transcripts"): the lines
    of a transcript ``reviewer transcribe`` made, as JSON segments, with who made it, when and
    with which engine; a record's ``transcript`` field links one as ``db:ID``."""
    _ddl(db,
         'CREATE TABLE transcript (id SERIAL NOT NULL, audit_id INTEGER NOT NULL, '
         'record_id INTEGER NOT NULL, segments VARCHAR NOT NULL, machine BOOLEAN NOT NULL, '
         'engine VARCHAR NOT NULL, created_at VARCHAR NOT NULL, created_by VARCHAR NOT NULL, '
         'PRIMARY KEY (id), FOREIGN KEY(audit_id) REFERENCES audit (id), '
         'FOREIGN KEY(record_id) REFERENCES record (id))',
         'CREATE INDEX ix_transcript_record ON transcript (audit_id, record_id)')


def _to_5(db: Database) -> None:
    """Accountable evidence (docs/evidence.md): who (login) on answers and events, the history's
    hash chain, sealed commitments of disposed texts, per-audit policy (purpose required,
    review date, disposal), the team's roles, and the database's pseudonym secret. Events
    written before are hashed now, in order, so the chain starts complete."""
    blob = "BLOB" if db.dialect == "sqlite" else "BYTEA"
    _ddl(db,
         "ALTER TABLE answer ADD COLUMN login VARCHAR",
         "ALTER TABLE event ADD COLUMN login VARCHAR",
         f"ALTER TABLE event ADD COLUMN salt {blob}",
         f"ALTER TABLE event ADD COLUMN prev {blob}",
         f"ALTER TABLE event ADD COLUMN hash {blob}",
         f"ALTER TABLE event ADD COLUMN rows {blob}",
         f'CREATE TABLE event_seal (audit_id INTEGER NOT NULL, seq INTEGER NOT NULL, '
         f'ref {blob}, "before" {blob}, "after" {blob}, detail {blob}, '
         'PRIMARY KEY (audit_id, seq))',
         "CREATE TABLE audit_policy (audit_id INTEGER NOT NULL, require_purpose BOOLEAN "
         "NOT NULL, retain_until VARCHAR, disposed_at VARCHAR, PRIMARY KEY (audit_id))",
         "CREATE TABLE team_member (login VARCHAR NOT NULL, role VARCHAR NOT NULL, "
         "display_name VARCHAR, granted_by VARCHAR NOT NULL, granted_at VARCHAR NOT NULL, "
         "PRIMARY KEY (login))")
    _drop_append_only_2(db)
    _hash_existing_5(db)
    _event_triggers_5(db)
    _seal_append_only_5(db)
    db.execute("INSERT INTO meta (key, value) VALUES ('pseudonym_secret', ?)", (_secret(),))
    if db.dialect != "sqlite":      # the server writes who: session_user, whatever is sent
        db.execute("CREATE OR REPLACE FUNCTION reviewer_set_login() RETURNS trigger AS $$ "
                   "BEGIN NEW.login := session_user; RETURN NEW; END $$ LANGUAGE plpgsql")
        db.execute("CREATE TRIGGER event_login BEFORE INSERT ON event FOR EACH ROW "
                   "EXECUTE FUNCTION reviewer_set_login()")
        db.execute("CREATE TRIGGER answer_login BEFORE INSERT OR UPDATE ON answer FOR EACH ROW "
                   "EXECUTE FUNCTION reviewer_set_login()")


def _seal_append_only_5(db: Database) -> None:
    """Sealed commitments are never changed or deleted either."""
    message = "event_seal rows are append-only"
    if db.dialect == "sqlite":
        for op in ("UPDATE", "DELETE"):
            db.execute(f"CREATE TRIGGER event_seal_no_{op.lower()} BEFORE {op} ON event_seal "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
        return
    db.execute("CREATE OR REPLACE FUNCTION event_seal_append_only() RETURNS trigger AS $$ "
               f"BEGIN RAISE EXCEPTION '{message}'; END $$ LANGUAGE plpgsql")
    db.execute("CREATE TRIGGER event_seal_append_only BEFORE UPDATE OR DELETE ON event_seal "
               "FOR EACH ROW EXECUTE FUNCTION event_seal_append_only()")


def _secret() -> str:
    import secrets

    return secrets.token_hex(32)


def _drop_append_only_2(db: Database) -> None:
    if db.dialect == "sqlite":
        db.execute("DROP TRIGGER event_no_update")
        db.execute("DROP TRIGGER event_no_delete")
    else:
        db.execute("DROP TRIGGER event_append_only ON event")


def _hash_existing_5(db: Database) -> None:
    """Salt and hash the events written before schema 5 (login = the name they recorded); an
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
_SAME_5 = ("audit_id", "seq", "at", "login", "reviewer", "action", "question", "prev", "hash",
           "rows")


def _event_triggers_5(db: Database) -> None:
    message = "event rows are append-only"
    same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" if db.dialect != "sqlite"
                        else f"NEW.{c} IS OLD.{c}" for c in _SAME_5)
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


def _to_6(db: Database) -> None:
    """Progress counts kept as records change (docs/performance.md): ``audit_count`` holds each
    audit's number of records and of complete ones, kept by triggers in the transaction that
    changes ``record``, so reading an audit costs the same at any size. SQLite counts row by
    row; PostgreSQL once per statement from its transition tables (a million-row import is one
    update of the counter, not a million versions of one row)."""
    _ddl(db, 'CREATE TABLE audit_count (audit_id INTEGER NOT NULL, records INTEGER NOT NULL, '
             'complete INTEGER NOT NULL, PRIMARY KEY (audit_id)) WITHOUT ROWID')
    if db.dialect == "sqlite":
        add = ("INSERT INTO audit_count (audit_id, records, complete) "
               "VALUES (NEW.audit_id, 1, NEW.complete) ON CONFLICT (audit_id) DO UPDATE SET "
               "records = records + 1, complete = complete + excluded.complete;")
        take = ("UPDATE audit_count SET records = records - 1, complete = complete - OLD.complete "
                "WHERE audit_id = OLD.audit_id;")
        db.execute(f"CREATE TRIGGER audit_count_insert AFTER INSERT ON record BEGIN {add} END")
        db.execute(f"CREATE TRIGGER audit_count_delete AFTER DELETE ON record BEGIN {take} END")
        db.execute("CREATE TRIGGER audit_count_update AFTER UPDATE OF audit_id, complete ON record "
                   "WHEN OLD.audit_id IS NOT NEW.audit_id OR OLD.complete IS NOT NEW.complete "
                   f"BEGIN {take} {add} END")
    else:
        delta = ("INSERT INTO audit_count AS c (audit_id, records, complete) "
                 "SELECT audit_id, SUM(n), SUM(k) FROM ({rows}) d GROUP BY audit_id "
                 "HAVING SUM(n) <> 0 OR SUM(k) <> 0 ON CONFLICT (audit_id) DO UPDATE SET "
                 "records = c.records + excluded.records, "
                 "complete = c.complete + excluded.complete")
        plus = "SELECT audit_id, 1 AS n, CASE WHEN complete THEN 1 ELSE 0 END AS k FROM new_rows"
        minus = "SELECT audit_id, -1, CASE WHEN complete THEN -1 ELSE 0 END FROM old_rows"
        for name, rows, refs in (
                ("insert", plus, "NEW TABLE AS new_rows"),
                ("delete", minus, "OLD TABLE AS old_rows"),
                ("update", f"{plus} UNION ALL {minus}",
                 "OLD TABLE AS old_rows NEW TABLE AS new_rows")):
            # SECURITY DEFINER: the counter is written as its owner, so the roles
            # (store.roles_pg) may read it but change it only through these triggers
            db.execute(f"CREATE FUNCTION audit_count_{name}() RETURNS trigger AS $$ BEGIN "
                       f"{delta.format(rows=rows)}; RETURN NULL; END $$ LANGUAGE plpgsql "
                       "SECURITY DEFINER SET search_path FROM CURRENT")
            db.execute(f"CREATE TRIGGER audit_count_{name} AFTER {name.upper()} ON record "
                       f"REFERENCING {refs} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION audit_count_{name}()")
    db.execute("INSERT INTO audit_count (audit_id, records, complete) "
               "SELECT audit_id, COUNT(*), SUM(CASE WHEN complete THEN 1 ELSE 0 END) "
               "FROM record GROUP BY audit_id")


def _to_7(db: Database) -> None:
    """An import's new records counted in a row of their own (docs/performance.md, "Imports and
    scorers"): on PostgreSQL an import writes them before it takes the write lock, and the
    count's row, locked by it until its commit, would keep every scorer who completes a record
    waiting. A transaction that sets reviewer.count_part to 1 .. 999 has the ``record``
    triggers count its changes in ``audit_count_part`` under that number; an audit's counts are
    its ``audit_count`` row plus its ``audit_count_part`` rows. On SQLite (one writer at a time)
    the triggers stay as they are and the table stays empty."""
    _ddl(db, "CREATE TABLE audit_count_part (audit_id INTEGER NOT NULL, part INTEGER NOT NULL, "
             "records INTEGER NOT NULL, complete INTEGER NOT NULL, "
             "PRIMARY KEY (audit_id, part)) WITHOUT ROWID")
    if db.dialect == "sqlite":
        return
    setting = "current_setting('reviewer.count_part', true)"
    part = f"CASE WHEN {setting} ~ '^[1-9][0-9]{{0,2}}$' THEN {setting}::integer ELSE 0 END"
    whole = ("INSERT INTO audit_count AS c (audit_id, records, complete) "
             "SELECT audit_id, SUM(n), SUM(k) FROM ({rows}) d GROUP BY audit_id "
             "HAVING SUM(n) <> 0 OR SUM(k) <> 0 ON CONFLICT (audit_id) DO UPDATE SET "
             "records = c.records + excluded.records, "
             "complete = c.complete + excluded.complete")
    aside = ("INSERT INTO audit_count_part AS c (audit_id, part, records, complete) "
             "SELECT audit_id, p, SUM(n), SUM(k) FROM ({rows}) d GROUP BY audit_id "
             "HAVING SUM(n) <> 0 OR SUM(k) <> 0 ON CONFLICT (audit_id, part) DO UPDATE SET "
             "records = c.records + excluded.records, "
             "complete = c.complete + excluded.complete")
    plus = "SELECT audit_id, 1 AS n, CASE WHEN complete THEN 1 ELSE 0 END AS k FROM new_rows"
    minus = "SELECT audit_id, -1, CASE WHEN complete THEN -1 ELSE 0 END FROM old_rows"
    for name, rows in (("insert", plus), ("delete", minus),
                       ("update", f"{plus} UNION ALL {minus}")):
        db.execute(f"CREATE OR REPLACE FUNCTION audit_count_{name}() RETURNS trigger AS $$ "
                   f"DECLARE p integer := {part}; BEGIN IF p = 0 THEN "
                   f"{whole.format(rows=rows)}; ELSE {aside.format(rows=rows)}; END IF; "
                   "RETURN NULL; END $$ LANGUAGE plpgsql "
                   "SECURITY DEFINER SET search_path FROM CURRENT")
    # Whoever may read the counts (the team's roles, docs/evidence.md) may read the new table
    # at once, before the owner next runs ``team grant``. No parameters: ``%I`` is format()'s.
    db.conn.cursor().execute(
        "DO $$ DECLARE g text; BEGIN FOR g IN SELECT DISTINCT grantee FROM "
        "information_schema.role_table_grants WHERE table_name = 'audit_count' "
        "AND table_schema = current_schema() AND privilege_type = 'SELECT' "
        "AND grantee <> current_user LOOP "
        "EXECUTE format('GRANT SELECT ON audit_count_part TO %I', g); END LOOP; END $$")


def _to_8(db: Database) -> None:
    """Packed history events (docs/evidence.md, "Packed events"): a large import's changed
    answers are stored a pack of events per ``event`` row (``bundle``), their commitments after
    disposal a pack per ``event_seal`` row (``bundle``); ``event_bundle_record`` lists the
    records each pack names (read by all, appended to by those who write history, never changed:
    triggers). The history's update trigger (step 5) already lets disposal rewrite ``bundle``
    once the pack's commitments are sealed, as it does ``ref``, ``before`` and ``after``."""
    blob = "BLOB" if db.dialect == "sqlite" else "BYTEA"
    _ddl(db,
         f"ALTER TABLE event ADD COLUMN bundle {blob}",
         f"ALTER TABLE event_seal ADD COLUMN bundle {blob}",
         "CREATE TABLE event_bundle_record (audit_id INTEGER NOT NULL, record_id INTEGER NOT "
         "NULL, seq INTEGER NOT NULL, PRIMARY KEY (audit_id, record_id, seq)) WITHOUT ROWID")
    message = "event_bundle_record rows are append-only"
    if db.dialect == "sqlite":
        for op in ("UPDATE", "DELETE"):
            db.execute(f"CREATE TRIGGER event_bundle_record_no_{op.lower()} BEFORE {op} ON "
                       f"event_bundle_record BEGIN SELECT RAISE(ABORT, '{message}'); END")
        return
    db.execute("CREATE OR REPLACE FUNCTION event_bundle_record_append_only() RETURNS trigger AS "
               f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$ LANGUAGE plpgsql")
    db.execute("CREATE TRIGGER event_bundle_record_append_only BEFORE UPDATE OR DELETE ON "
               "event_bundle_record FOR EACH ROW EXECUTE FUNCTION "
               "event_bundle_record_append_only()")
    db.execute("CREATE TRIGGER event_bundle_record_no_truncate BEFORE TRUNCATE ON "
               "event_bundle_record FOR EACH STATEMENT EXECUTE FUNCTION "
               "event_bundle_record_append_only()")
    # Whoever reads the history may read the new table, whoever appends to it may append here,
    # at once, before the owner next runs ``team grant``. No parameters: ``%I`` is format()'s.
    db.conn.cursor().execute(
        "DO $$ DECLARE g text; p text; BEGIN FOR g, p IN SELECT DISTINCT grantee, "
        "privilege_type FROM information_schema.role_table_grants WHERE table_name = 'event' "
        "AND table_schema = current_schema() AND privilege_type IN ('SELECT', 'INSERT') "
        "AND grantee <> current_user LOOP "
        "EXECUTE format('GRANT %s ON event_bundle_record TO %I', p, g); END LOOP; END $$")


def _to_9(db: Database) -> None:
    """A team database's answer check once per statement and audit, not once per answer row
    (docs/evidence.md, "Rights"; docs/performance.md, "Imports and scorers"): ``answer_touched``
    holds, for the transaction writing them, the audits whose answers a statement changed, and
    the check runs on its rows at commit. The rows never outlive their transaction (the check
    deletes the one it checked), so the table is always empty to others; no role is granted it.
    On SQLite (no roles) the table stays empty. A team set up before (the row trigger
    ``answer_evented`` on ``answer``) gets the new check here, at once."""
    _ddl(db, "CREATE TABLE answer_touched (tx BIGINT NOT NULL, audit_id INTEGER NOT NULL, "
             "PRIMARY KEY (tx, audit_id)) WITHOUT ROWID")
    if db.dialect != "sqlite" and db.scalar(
            "SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE "
            "c.relname = 'answer' AND c.relnamespace = current_schema()::regnamespace "
            "AND t.tgname = 'answer_evented'"):
        answer_check_9(db)


def answer_check_9(db: Database) -> None:
    """The answer check of a team database (PostgreSQL; run by step 9, and by
    ``store.roles_pg.set_up`` while it is today's): a change to an answer, by any route, is
    refused at commit unless the latest event of its audit (of each of the audits, for an
    UPDATE that moves it) was written by this transaction. Statement triggers on ``answer``
    note the audits a statement touched (from its transition tables) in ``answer_touched``,
    once per transaction and audit until checked; a deferred constraint trigger on that table
    checks each and deletes its row, so a later change after ``SET CONSTRAINTS ... IMMEDIATE``
    is noted and checked again. SECURITY DEFINER: the roles cannot read or write the table."""
    note = ("INSERT INTO answer_touched (tx, audit_id) SELECT DISTINCT txid_current(), audit_id "
            "FROM ({rows}) d ON CONFLICT DO NOTHING")
    bodies = (("insert", "INSERT", "SELECT audit_id FROM new_rows", "NEW TABLE AS new_rows"),
              ("delete", "DELETE", "SELECT audit_id FROM old_rows", "OLD TABLE AS old_rows"),
              ("update", "UPDATE", "SELECT audit_id FROM new_rows UNION ALL "
               "SELECT audit_id FROM old_rows", "OLD TABLE AS old_rows NEW TABLE AS new_rows"))
    definer = "LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT"
    db.execute("DROP TRIGGER IF EXISTS answer_evented ON answer")
    for name, op, rows, refs in bodies:
        db.execute(f"CREATE OR REPLACE FUNCTION reviewer_answer_touched_{name}() RETURNS trigger "
                   f"AS $$ BEGIN {note.format(rows=rows)}; RETURN NULL; END $$ {definer}")
        db.execute(f"DROP TRIGGER IF EXISTS answer_touched_{name} ON answer")
        db.execute(f"CREATE TRIGGER answer_touched_{name} AFTER {op} ON answer REFERENCING "
                   f"{refs} FOR EACH STATEMENT EXECUTE FUNCTION reviewer_answer_touched_{name}()")
    db.conn.cursor().execute(         # no parameters: the body holds ``%``
        "CREATE OR REPLACE FUNCTION reviewer_answer_evented() RETURNS trigger AS $$ BEGIN "
        "DELETE FROM answer_touched WHERE tx = NEW.tx AND audit_id = NEW.audit_id; "
        "IF NOT EXISTS (SELECT 1 FROM (SELECT xmin FROM event WHERE audit_id = NEW.audit_id "
        "ORDER BY seq DESC LIMIT 1) e WHERE e.xmin::text = (txid_current() % 4294967296)::text)"
        " THEN RAISE EXCEPTION 'a change to an answer needs its history event (audit %)', "
        f"NEW.audit_id; END IF; RETURN NULL; END $$ {definer}")
    db.execute("DROP TRIGGER IF EXISTS answer_evented ON answer_touched")
    db.execute("CREATE CONSTRAINT TRIGGER answer_evented AFTER INSERT ON answer_touched "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
               "EXECUTE FUNCTION reviewer_answer_evented()")


def _to_10(db: Database) -> None:
    """SQLite: an audit's answers packed per record (docs/performance.md, "Answers packed per
    record"): ``answer_pack`` holds one row per record with answers, its ``pack`` a JSON object
    of its answers by question id; ``answer`` becomes a view of one row per answer with the
    same columns as the table it replaces, written through by its INSTEAD OF triggers. An
    entry is a string (answered with that value), 2 or 3 (n/a, not asked), each given by the
    pack's ``event_seq`` (an import's event: its reviewer and time); a short array [value or 2,
    event seq] (its event, or the pack of events holding it: the reviewer and time); or an
    array [state, value, note, reviewer, answered_at, event_seq, login]. The stored rows move
    as full arrays. PostgreSQL keeps its answer table (its rights and checks are written on
    it)."""
    if db.dialect != "sqlite":
        return
    db.execute("CREATE TABLE answer_pack (record_id INTEGER NOT NULL PRIMARY KEY "
               "REFERENCES record (id), audit_id INTEGER NOT NULL, event_seq INTEGER, "
               "pack VARCHAR NOT NULL)")
    db.execute("CREATE INDEX ix_answer_pack_audit_id ON answer_pack (audit_id)")
    db.execute("INSERT INTO answer_pack (record_id, audit_id, event_seq, pack) "
               "SELECT record_id, MIN(audit_id), NULL, json_group_object(question_id, "
               "json_array(state, value, note, reviewer, answered_at, event_seq, login)) "
               "FROM answer GROUP BY record_id")
    db.execute("DROP TABLE answer")
    short = "j.type = 'array' AND json_array_length(j.value) = 2"
    full = "j.type = 'array' AND json_array_length(j.value) > 2"
    given = ("(SELECT {} FROM event g WHERE g.audit_id = p.audit_id AND g.seq >= j.value ->> 1 "
             "ORDER BY g.seq LIMIT 1)")        # its event, or the pack of events holding it
    db.execute(
        "CREATE VIEW answer AS SELECT p.record_id AS record_id, j.key AS question_id, "
        "p.audit_id AS audit_id, "
        "CASE WHEN j.type = 'text' THEN 1 WHEN j.type = 'integer' THEN j.value "
        f"WHEN {short} AND json_type(j.value, '$[0]') = 'text' THEN 1 "
        "ELSE j.value ->> 0 END AS state, "
        "CASE WHEN j.type = 'text' THEN j.value WHEN j.type = 'integer' THEN NULL "
        f"WHEN {short} THEN CASE WHEN json_type(j.value, '$[0]') = 'text' "
        "THEN j.value ->> 0 END ELSE j.value ->> 1 END AS value, "
        f"CASE WHEN {full} THEN j.value ->> 2 ELSE '' END AS note, "
        f"CASE WHEN {full} THEN j.value ->> 3 WHEN {short} THEN {given.format('g.reviewer')} "
        "ELSE e.reviewer END AS reviewer, "
        f"CASE WHEN {full} THEN j.value ->> 4 WHEN {short} THEN {given.format('g.at')} "
        "ELSE e.at END AS answered_at, "
        f"CASE WHEN {full} THEN j.value ->> 5 WHEN {short} THEN j.value ->> 1 "
        "ELSE p.event_seq END AS event_seq, "
        f"CASE WHEN {full} THEN j.value ->> 6 END AS login "
        "FROM answer_pack p JOIN json_each(p.pack) j "
        "LEFT JOIN event e ON e.audit_id = p.audit_id AND e.seq = p.event_seq")
    # the triggers name a question by JSON merge patch, never by a path: any question id
    # (quotes, dots, brackets) is a key; a null in a patch removes the key
    one = "json_object({}.question_id, {})"
    entry = ("json_array(NEW.state, NEW.value, COALESCE(NEW.note, ''), COALESCE(NEW.reviewer, "
             "''), COALESCE(NEW.answered_at, ''), NEW.event_seq, NEW.login)")
    db.execute(
        "CREATE TRIGGER answer_insert INSTEAD OF INSERT ON answer BEGIN "
        "SELECT RAISE(ABORT, 'UNIQUE constraint failed: answer.record_id, answer.question_id') "
        "FROM answer_pack p, json_each(p.pack) j WHERE p.record_id = NEW.record_id "
        "AND j.key = NEW.question_id; "
        "INSERT OR IGNORE INTO answer_pack (record_id, audit_id, event_seq, pack) "
        "VALUES (NEW.record_id, NEW.audit_id, NULL, '{}'); "
        f"UPDATE answer_pack SET pack = json_patch(pack, {one.format('NEW', entry)}) "
        "WHERE record_id = NEW.record_id; END")
    db.execute(
        "CREATE TRIGGER answer_update INSTEAD OF UPDATE ON answer BEGIN "
        f"UPDATE answer_pack SET pack = json_patch(json_patch(pack, {one.format('OLD', 'NULL')}), "
        f"{one.format('NEW', entry)}) WHERE record_id = OLD.record_id; END")
    db.execute(
        "CREATE TRIGGER answer_delete INSTEAD OF DELETE ON answer BEGIN "
        f"UPDATE answer_pack SET pack = json_patch(pack, {one.format('OLD', 'NULL')}) "
        "WHERE record_id = OLD.record_id; "
        "DELETE FROM answer_pack WHERE record_id = OLD.record_id AND pack = '{}'; END")


def _to_11(db: Database) -> None:
    """SQLite: ``answer_pack.base_seq``; an entry whose event is a number ``n`` zero or less
    (a short one's second item, a full one's sixth) names the event ``base_seq - n``: an
    import wrote it before it knew its own seq, which it then set as the base
    (docs/performance.md, "Entries counted from their pack's base"); ``answer`` made again to
    read them so, with the same columns and the same triggers. An entry whose ``n`` is
    positive names its event itself, as before: no stored pack changes."""
    if db.dialect != "sqlite":
        return
    db.execute("ALTER TABLE answer_pack ADD COLUMN base_seq INTEGER")
    db.execute("DROP VIEW answer")
    short = "j.type = 'array' AND json_array_length(j.value) = 2"
    full = "j.type = 'array' AND json_array_length(j.value) > 2"
    seq = ("CASE WHEN (j.value ->> 1) > 0 THEN j.value ->> 1 "
           "ELSE p.base_seq - (j.value ->> 1) END")
    full_seq = ("CASE WHEN (j.value ->> 5) <= 0 THEN p.base_seq - (j.value ->> 5) "
                "ELSE j.value ->> 5 END")
    given = ("(SELECT {} FROM event g WHERE g.audit_id = p.audit_id AND g.seq >= " + seq
             + " ORDER BY g.seq LIMIT 1)")     # its event, or the pack of events holding it
    db.execute(
        "CREATE VIEW answer AS SELECT p.record_id AS record_id, j.key AS question_id, "
        "p.audit_id AS audit_id, "
        "CASE WHEN j.type = 'text' THEN 1 WHEN j.type = 'integer' THEN j.value "
        f"WHEN {short} AND json_type(j.value, '$[0]') = 'text' THEN 1 "
        "ELSE j.value ->> 0 END AS state, "
        "CASE WHEN j.type = 'text' THEN j.value WHEN j.type = 'integer' THEN NULL "
        f"WHEN {short} THEN CASE WHEN json_type(j.value, '$[0]') = 'text' "
        "THEN j.value ->> 0 END ELSE j.value ->> 1 END AS value, "
        f"CASE WHEN {full} THEN j.value ->> 2 ELSE '' END AS note, "
        f"CASE WHEN {full} THEN j.value ->> 3 WHEN {short} THEN {given.format('g.reviewer')} "
        "ELSE e.reviewer END AS reviewer, "
        f"CASE WHEN {full} THEN j.value ->> 4 WHEN {short} THEN {given.format('g.at')} "
        "ELSE e.at END AS answered_at, "
        f"CASE WHEN {full} THEN {full_seq} WHEN {short} THEN {seq} "
        "ELSE p.event_seq END AS event_seq, "
        f"CASE WHEN {full} THEN j.value ->> 6 END AS login "
        "FROM answer_pack p JOIN json_each(p.pack) j "
        "LEFT JOIN event e ON e.audit_id = p.audit_id AND e.seq = p.event_seq")
    one = "json_object({}.question_id, {})"
    entry = ("json_array(NEW.state, NEW.value, COALESCE(NEW.note, ''), COALESCE(NEW.reviewer, "
             "''), COALESCE(NEW.answered_at, ''), NEW.event_seq, NEW.login)")
    db.execute(
        "CREATE TRIGGER answer_insert INSTEAD OF INSERT ON answer BEGIN "
        "SELECT RAISE(ABORT, 'UNIQUE constraint failed: answer.record_id, answer.question_id') "
        "FROM answer_pack p, json_each(p.pack) j WHERE p.record_id = NEW.record_id "
        "AND j.key = NEW.question_id; "
        "INSERT OR IGNORE INTO answer_pack (record_id, audit_id, event_seq, pack) "
        "VALUES (NEW.record_id, NEW.audit_id, NULL, '{}'); "
        f"UPDATE answer_pack SET pack = json_patch(pack, {one.format('NEW', entry)}) "
        "WHERE record_id = NEW.record_id; END")
    db.execute(
        "CREATE TRIGGER answer_update INSTEAD OF UPDATE ON answer BEGIN "
        f"UPDATE answer_pack SET pack = json_patch(json_patch(pack, {one.format('OLD', 'NULL')}), "
        f"{one.format('NEW', entry)}) WHERE record_id = OLD.record_id; END")
    db.execute(
        "CREATE TRIGGER answer_delete INSTEAD OF DELETE ON answer BEGIN "
        f"UPDATE answer_pack SET pack = json_patch(pack, {one.format('OLD', 'NULL')}) "
        "WHERE record_id = OLD.record_id; "
        "DELETE FROM answer_pack WHERE record_id = OLD.record_id AND pack = '{}'; END")


def _to_12(db: Database) -> None:
    """SQLite: answers packed by position (docs/performance.md, "Answers packed by
    position"): a pack is a JSON array whose item ``k`` is the entry of the audit's question
    in slot ``k`` (``null``: none), and ``pack_slot`` lists each audit's questions once, a
    slot each: its set's questions in their order (a trigger gives a new audit its own), then
    any other question an answer names (the view's insert trigger gives it the next slot). A
    question's slot never changes. The entries are as before; ``answer`` made again to read
    them so, with the same columns and the same triggers."""
    if db.dialect != "sqlite":
        return
    db.execute("CREATE TABLE pack_slot (audit_id INTEGER NOT NULL REFERENCES audit (id), "
               "slot INTEGER NOT NULL, question_id VARCHAR NOT NULL, "
               "PRIMARY KEY (audit_id, slot), UNIQUE (audit_id, question_id)) WITHOUT ROWID")
    of_set = ("SELECT {audit}, j.key, j.value ->> 'id' FROM question_set q, "
              "json_each(q.definition, '$.questions') j WHERE q.id = {set_id}")
    db.execute("INSERT OR IGNORE INTO pack_slot (audit_id, slot, question_id) "
               + of_set.format(audit="a.id", set_id="a.question_set_id").replace(
                   "FROM question_set q,", "FROM audit a, question_set q,"))
    db.execute("INSERT INTO pack_slot (audit_id, slot, question_id) SELECT x.audit_id, "
               "(SELECT COUNT(*) FROM pack_slot s WHERE s.audit_id = x.audit_id) - 1 + "
               "ROW_NUMBER() OVER (PARTITION BY x.audit_id ORDER BY x.key), x.key FROM "
               "(SELECT DISTINCT p.audit_id AS audit_id, j.key AS key FROM answer_pack p, "
               "json_each(p.pack) j WHERE NOT EXISTS (SELECT 1 FROM pack_slot s WHERE "
               "s.audit_id = p.audit_id AND s.question_id = j.key)) x")
    db.execute("CREATE TRIGGER audit_pack_slots AFTER INSERT ON audit BEGIN "
               "INSERT OR IGNORE INTO pack_slot (audit_id, slot, question_id) "
               + of_set.format(audit="NEW.id", set_id="NEW.question_set_id") + "; END")
    db.execute("UPDATE answer_pack SET pack = COALESCE((SELECT '[' || group_concat(e, ',') "
               "|| ']' FROM "
               "(SELECT COALESCE(json_quote(j.value), 'null') AS e FROM pack_slot s "
               "LEFT JOIN json_each(answer_pack.pack) j ON j.key = s.question_id "
               "WHERE s.audit_id = answer_pack.audit_id AND s.slot <= (SELECT MAX(t.slot) "
               "FROM pack_slot t, json_each(answer_pack.pack) i WHERE t.audit_id = "
               "answer_pack.audit_id AND t.question_id = i.key) ORDER BY s.slot)), '[]')")
    db.execute("DELETE FROM answer_pack WHERE pack = '[]'")
    db.execute("DROP VIEW answer")
    short = "j.type = 'array' AND json_array_length(j.value) = 2"
    full = "j.type = 'array' AND json_array_length(j.value) > 2"
    seq = ("CASE WHEN (j.value ->> 1) > 0 THEN j.value ->> 1 "
           "ELSE p.base_seq - (j.value ->> 1) END")
    full_seq = ("CASE WHEN (j.value ->> 5) <= 0 THEN p.base_seq - (j.value ->> 5) "
                "ELSE j.value ->> 5 END")
    given = ("(SELECT {} FROM event g WHERE g.audit_id = p.audit_id AND g.seq >= " + seq
             + " ORDER BY g.seq LIMIT 1)")     # its event, or the pack of events holding it
    db.execute(
        "CREATE VIEW answer AS SELECT p.record_id AS record_id, s.question_id AS question_id, "
        "p.audit_id AS audit_id, "
        "CASE WHEN j.type = 'text' THEN 1 WHEN j.type = 'integer' THEN j.value "
        f"WHEN {short} AND json_type(j.value, '$[0]') = 'text' THEN 1 "
        "ELSE j.value ->> 0 END AS state, "
        "CASE WHEN j.type = 'text' THEN j.value WHEN j.type = 'integer' THEN NULL "
        f"WHEN {short} THEN CASE WHEN json_type(j.value, '$[0]') = 'text' "
        "THEN j.value ->> 0 END ELSE j.value ->> 1 END AS value, "
        f"CASE WHEN {full} THEN j.value ->> 2 ELSE '' END AS note, "
        f"CASE WHEN {full} THEN j.value ->> 3 WHEN {short} THEN {given.format('g.reviewer')} "
        "ELSE e.reviewer END AS reviewer, "
        f"CASE WHEN {full} THEN j.value ->> 4 WHEN {short} THEN {given.format('g.at')} "
        "ELSE e.at END AS answered_at, "
        f"CASE WHEN {full} THEN {full_seq} WHEN {short} THEN {seq} "
        "ELSE p.event_seq END AS event_seq, "
        f"CASE WHEN {full} THEN j.value ->> 6 END AS login "
        "FROM answer_pack p JOIN json_each(p.pack) j "
        "JOIN pack_slot s ON s.audit_id = p.audit_id AND s.slot = j.key "
        "LEFT JOIN event e ON e.audit_id = p.audit_id AND e.seq = p.event_seq "
        "WHERE j.type <> 'null'")
    # a question's slot, and a pack made long enough to hold it (nulls added), by text
    slot = ("(SELECT slot FROM pack_slot WHERE audit_id = {0}.audit_id "
            "AND question_id = {0}.question_id)")
    path = "'$[' || {} || ']'"
    padded = ("CASE WHEN json_array_length(pack) > {0} THEN pack ELSE json(CASE WHEN pack = "
              "'[]' THEN '[' || substr({1}, 2) ELSE substr(pack, 1, length(pack) - 1) || {1} "
              "END || ']') END")
    nulls = "replace(hex(zeroblob({0} + 1 - json_array_length(pack))), '00', ',null')"
    new, old = slot.format("NEW"), slot.format("OLD")
    set_new = (f"json_set({padded.format(new, nulls.format(new))}, {path.format(new)}, "
               "json_array(NEW.state, NEW.value, COALESCE(NEW.note, ''), "
               "COALESCE(NEW.reviewer, ''), COALESCE(NEW.answered_at, ''), NEW.event_seq, "
               "NEW.login))")
    add_slot = ("INSERT OR IGNORE INTO pack_slot (audit_id, slot, question_id) SELECT "
                "NEW.audit_id, COALESCE(MAX(slot) + 1, 0), NEW.question_id FROM pack_slot "
                "WHERE audit_id = NEW.audit_id; ")
    empty = "replace(replace(pack, 'null', ''), ',', '') = '[]'"
    db.execute(
        "CREATE TRIGGER answer_insert INSTEAD OF INSERT ON answer BEGIN " + add_slot +
        "SELECT RAISE(ABORT, 'UNIQUE constraint failed: answer.record_id, answer.question_id') "
        "FROM answer_pack p, json_each(p.pack) j WHERE p.record_id = NEW.record_id "
        f"AND j.key = {new} AND j.type <> 'null'; "
        "INSERT OR IGNORE INTO answer_pack (record_id, audit_id, event_seq, pack) "
        "VALUES (NEW.record_id, NEW.audit_id, NULL, '[]'); "
        f"UPDATE answer_pack SET pack = {set_new} WHERE record_id = NEW.record_id; END")
    db.execute(
        "CREATE TRIGGER answer_update INSTEAD OF UPDATE ON answer BEGIN "
        f"UPDATE answer_pack SET pack = json_set(pack, {path.format(old)}, NULL) "
        "WHERE record_id = OLD.record_id; " + add_slot +
        f"UPDATE answer_pack SET pack = {set_new} WHERE record_id = OLD.record_id; END")
    db.execute(
        "CREATE TRIGGER answer_delete INSTEAD OF DELETE ON answer BEGIN "
        f"UPDATE answer_pack SET pack = json_set(pack, {path.format(old)}, NULL) "
        "WHERE record_id = OLD.record_id; "
        f"DELETE FROM answer_pack WHERE record_id = OLD.record_id AND {empty}; END")


STEPS: dict[int, Callable[[Database], None]] = {1: _to_1, 2: _to_2, 3: _to_3, 4: _to_4,
                                                5: _to_5, 6: _to_6, 7: _to_7, 8: _to_8,
                                                9: _to_9, 10: _to_10, 11: _to_11,
                                                12: _to_12, 13: to_13, 14: to_14}
