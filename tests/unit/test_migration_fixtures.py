"""Frozen migrations (docs/architecture.md, "Changing the schema"): every stored fixture
database ``tests/fixtures/schema-vN.db``, made by version N's code, upgrades to the newest
schema and then equals a new database given the same data: the same tables, columns, types,
indexes, constraints and triggers, and the same rows. A ``_to_3`` made here that adds a column
to ``plan`` shows that a further step holds (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer import SCHEMA_VERSION
from reviewer.store import migrations
from reviewer.store.db import Database
from tests.unit.pg import _admin, _url_admin, pg_snapshot

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(version: int) -> Path:
    return FIXTURES / f"schema-v{version}.db"


def sqlite_schema(path: Path) -> dict:
    """What must match: each table's columns (name, type, not null, default, primary key),
    rowid or not, foreign keys, indexes (unique constraints included) and triggers."""
    conn = sqlite3.connect(path)
    try:
        out: dict = {}
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = "
                                             "'table' AND name NOT LIKE 'sqlite_%'")]
        for t in tables:
            indexes = {}
            for _, name, unique, origin, partial in conn.execute(f'PRAGMA index_list("{t}")'):
                columns = [c[2] for c in conn.execute(f'PRAGMA index_info("{name}")')]
                key = name if origin == "c" else f"{origin}:{columns}"
                indexes[key] = (unique, origin, partial, columns)
            out[t] = {
                "columns": [tuple(c[1:]) for c in conn.execute(f'PRAGMA table_info("{t}")')],
                "without_rowid": conn.execute("SELECT wr FROM pragma_table_list WHERE name = ?",
                                              (t,)).fetchone()[0],
                "foreign_keys": sorted(tuple(f[2:5]) for f in
                                       conn.execute(f'PRAGMA foreign_key_list("{t}")')),
                "indexes": indexes}
        for name, table, sql in conn.execute("SELECT name, tbl_name, sql FROM sqlite_master "
                                             "WHERE type = 'trigger'"):
            out[f"trigger {name}"] = (table, re.sub(r"\s+", " ", sql))
        return out
    finally:
        conn.close()


def sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, and the ``answer`` view's (schema 10) in place of the packs it
    reads (``answer_pack``): how a record's answers are packed is storage, its rows the data."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN "
                                             "('table', 'view') AND name NOT LIKE 'sqlite_%' "
                                             "AND name NOT IN (?, ?)", (*PACKED, SLOTS))]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables}
    finally:
        conn.close()


PACKED = ("answer_pack",)     # schema 10 (SQLite): copied and compared as the answer view's rows
# schema 12 (SQLite): where each question's entry sits in the packs, storage a database gives
# itself (a new audit's from its set, an answer's to any other question as it is written)
SLOTS = "pack_slot"


# Tables the database keeps itself (triggers fill them as rows are copied in): step 6's counts.
DERIVED = {"audit_count"}


def copy_rows(source: Path, put) -> None:
    """Hand every row of the fixture ``source`` to ``put(table, columns, row)``, parents first
    (the fixture's own table order), leaving out ``meta.schema_version`` and the tables the
    database derives itself (``DERIVED``)."""
    conn = sqlite3.connect(source)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = "
                                             "'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        for t in tables:
            if t in DERIVED or t == SLOTS:
                continue
            if t in PACKED:             # the packs as the answer rows they hold
                t = "answer"
            cursor = conn.execute(f'SELECT * FROM "{t}"')
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                if t == "meta" and row[0] in OWN_META:
                    continue
                put(t, columns, row)
    finally:
        conn.close()


OWN_META = ("schema_version", "pseudonym_secret")   # each database's own (the secret: step 5)
# Columns step 5 derives from what was there (the hash chain, who): a new database given the
# same old rows has no reason to hold them. Step 5 appends them, so they end each row.
DERIVED_5 = {"event": 10, "answer": 9}


def fields_by_name(rows: dict[str, list[tuple]]) -> None:
    """Each record's fields as a mapping by name (keys sorted), however stored: a JSON object
    (before schema 13) or an array by its audit's slots (``field_slot``, then left out: where
    each name sits is storage the database gives itself, step 13)."""
    names: dict[int, dict[int, str]] = {}
    for audit_id, slot, name in rows.pop("field_slot", []):
        names.setdefault(audit_id, {})[slot] = name
    out = []
    for r in rows["record"]:
        found = json.loads(r[4]) if r[4] else {}
        if isinstance(found, list):
            found = {names[r[1]][k]: v for k, v in enumerate(found) if v is not None}
        out.append((*r[:4], json.dumps(found, sort_keys=True), *r[5:]))
    rows["record"] = sorted(out, key=repr)


def comparable(rows: dict[str, list[tuple]], version: int) -> dict[str, list[tuple]]:
    """``rows`` without what the database makes itself: its secret, and for a fixture older
    than schema 5 the columns step 5 derives; the records' fields by name."""
    out = dict(rows)
    fields_by_name(out)
    out["meta"] = [r for r in rows["meta"] if r[0] != "pseudonym_secret"]
    if version < 5:
        for table, keep in DERIVED_5.items():
            out[table] = sorted((r[:keep] for r in rows[table]), key=repr)
    return out


def insert(table: str, columns: list[str], mark: str) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join([mark] * len(columns))})'


def made_by_the_upgrade(rows: dict[str, list[tuple]], version: int) -> list[tuple]:
    """Rows an upgrade writes itself, which a new database given the same data has no reason
    to hold: the ``upgrade`` event that begins each audit's history (step 2)."""
    if version >= 2:
        return []
    return [r for r in rows["event"] if r[4] == "upgrade"]


def _to_3(db: Database) -> None:
    """A further step, as a later release would write it: a column added to ``plan``."""
    db.execute("ALTER TABLE \"plan\" ADD COLUMN sponsor VARCHAR NOT NULL DEFAULT ''")


@pytest.fixture(params=["today", "with a step 3"])
def newest(request, monkeypatch) -> int:
    if request.param == "today":
        return SCHEMA_VERSION
    monkeypatch.setitem(migrations.STEPS, SCHEMA_VERSION + 1, _to_3)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    return SCHEMA_VERSION + 1


def test_there_is_a_step_and_a_fixture_for_every_version():
    assert sorted(migrations.STEPS) == list(range(1, SCHEMA_VERSION + 1))
    stored = sorted(int(p.stem.removeprefix("schema-v")) for p in FIXTURES.glob("schema-v*.db"))
    assert stored == list(range(1, SCHEMA_VERSION + 1))
    for version in stored:
        conn = sqlite3.connect(fixture(version))
        try:
            assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'"
                                ).fetchone() == (str(version),)
        finally:
            conn.close()
        assert (FIXTURES / f"make_schema_v{version}.py").exists()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_every_fixture_upgrades_to_a_new_database_with_the_same_data(version, newest, tmp_path):
    upgraded = tmp_path / "upgraded.db"
    shutil.copy(fixture(version), upgraded)
    Database(str(upgraded)).close()
    new = tmp_path / "new.db"
    Database(str(new)).close()
    assert sqlite_schema(upgraded) == sqlite_schema(new)

    conn = sqlite3.connect(new)
    copy_rows(fixture(version), lambda t, cols, row: conn.execute(insert(t, cols, "?"), row))
    conn.commit()
    conn.close()
    got, want = comparable(sqlite_rows(upgraded), version), comparable(sqlite_rows(new), version)
    extra = made_by_the_upgrade(got, version)
    got["event"] = [r for r in got["event"] if r not in extra]
    assert got == want
    assert got["meta"].count(("schema_version", str(newest))) == 1
    old = sqlite_rows(fixture(version))
    assert len(extra) == (len(old["audit"]) if version < 2 else 0)
    assert sum(map(len, got.values())) > 300     # the comparison compared something


def test_step_3_adds_its_column_to_plan_once(monkeypatch, tmp_path):
    monkeypatch.setitem(migrations.STEPS, SCHEMA_VERSION + 1, _to_3)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    path = tmp_path / "v2.db"
    shutil.copy(fixture(2), path)
    Database(str(path)).close()
    Database(str(path)).close()                 # opening again changes nothing
    columns = [c[0] for c in sqlite_schema(path)["plan"]["columns"]]
    assert columns[-1] == "sponsor" and columns.count("sponsor") == 1
    assert sqlite_rows(path)["plan"][0][-1] == ""


# -- PostgreSQL: the same steps give the same schema and rows on the team's server -------------
PG_SCHEMA = {
    "columns": "SELECT table_name, column_name, ordinal_position, data_type, is_nullable, "
               "column_default FROM information_schema.columns "
               "WHERE table_schema = current_schema()",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes "
               "WHERE schemaname = current_schema()",
    "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                   "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace",
    "triggers": "SELECT event_object_table, trigger_name, event_manipulation, action_timing, "
                "action_statement FROM information_schema.triggers "
                "WHERE trigger_schema = current_schema()",
    "functions": "SELECT proname, prosrc FROM pg_proc "
                 "WHERE pronamespace = current_schema()::regnamespace",
}


def pg_schema(url: str) -> dict[str, list[tuple]]:
    with _url_admin(url) as conn:
        return {k: sorted(conn.execute(q).fetchall(), key=repr) for k, q in PG_SCHEMA.items()}


@pytest.fixture()
def pg_pair(pg_port: int) -> Iterator[tuple[str, str]]:
    """Two fresh databases on the throwaway server: one to upgrade, one made new."""
    names = [f"t_{uuid.uuid4().hex[:16]}" for _ in range(2)]
    with _admin(pg_port) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    yield tuple(f"postgresql+psycopg://postgres@127.0.0.1:{pg_port}/{n}"  # type: ignore[misc]
                for n in names)
    with _admin(pg_port) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def pg_load(url: str, source: Path) -> None:
    """The fixture's rows into a PostgreSQL database (SQLite's 0/1 become booleans)."""
    with _url_admin(url) as conn:
        booleans = {(t, c) for t, c in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = 'boolean'")}

        def put(table: str, columns: list[str], row: tuple) -> None:
            values = [bool(v) if (table, c) in booleans and v is not None else v
                      for c, v in zip(columns, row, strict=True)]
            conn.execute(insert(table, columns, "%s"), values)

        copy_rows(source, put)


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_on_postgresql_every_version_upgrades_to_a_new_database(version, newest, pg_pair,
                                                                monkeypatch):
    old_url, new_url = pg_pair
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", version)
    Database(old_url).close()                   # a server database as version N made it
    pg_load(old_url, fixture(version))
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", newest)
    Database(old_url).close()                   # upgraded
    Database(new_url).close()
    assert pg_schema(old_url) == pg_schema(new_url)
    pg_load(new_url, fixture(version))
    got, want = comparable(pg_snapshot(old_url), version), comparable(pg_snapshot(new_url),
                                                                      version)
    extra = made_by_the_upgrade(got, version)
    got["event"] = [r for r in got["event"] if r not in extra]
    assert got == want
    assert ("schema_version", str(newest)) in got["meta"]
    assert sum(map(len, got.values())) > 300
