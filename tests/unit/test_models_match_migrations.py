"""Today's schema is declared twice (docs/architecture.md, "Changing the schema"): as the frozen
steps of ``reviewer/store/migrations.py`` and as the SQLModel classes of
``reviewer/store/models.py``. A database made by ``SQLModel.metadata.create_all`` and one made by
the steps must have the same tables, columns (name, type, nullability, default), primary keys,
foreign keys, unique constraints and indexes, on SQLite and PostgreSQL; a step not mirrored in the
models (or a model edit with no step) fails here, naming the table and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.store import migrations
from reviewer.store.db import Database
from tests.unit.test_migration_fixtures import pg_pair  # noqa: F401 - a fixture

HOW = ("a schema change is a new step in reviewer/store/migrations.py AND the same change in "
       "reviewer/store/models.py (docs/architecture.md, \"Changing the schema\")")


def _kind(type_name: str) -> str:
    """A column type as the databases store it: SQLite's affinity, with BOOLEAN kept apart."""
    name = type_name.upper()
    for marks, kind in ((("BOOL",), "boolean"), (("INT", "SERIAL"), "integer"),
                        (("CHAR", "CLOB", "TEXT"), "text"), (("BLOB", "BYTEA"), "blob"),
                        (("REAL", "FLOA", "DOUB"), "real")):
        if any(m in name for m in marks):
            return kind
    return name.lower() or "blob"


def describe(url: str) -> dict[str, object]:
    """The schema of the database at ``url``, one entry per table / column / key / index, each
    keyed by a name a person can find (``plan.sponsor``, ``record index ix_record_audit_seq``)."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        seen = inspect(engine)
        out: dict[str, object] = {}
        for t in seen.get_table_names():
            out[f"table {t}"] = "present"
            for c in seen.get_columns(t):
                null = "NULL" if c["nullable"] else "NOT NULL"
                out[f"{t}.{c['name']}"] = f"{_kind(str(c['type']))} {null} default={c['default']}"
            out[f"{t} primary key"] = seen.get_pk_constraint(t)["constrained_columns"]
            for fk in seen.get_foreign_keys(t):
                cols = ", ".join(fk["constrained_columns"])
                out[f"{t} foreign key ({cols})"] = (
                    f"{fk['referred_table']} ({', '.join(fk['referred_columns'])})")
            for u in seen.get_unique_constraints(t):
                out[f"{t} unique ({', '.join(u['column_names'])})"] = "present"
            for ix in seen.get_indexes(t):
                if ix.get("duplicates_constraint"):     # PostgreSQL: a unique constraint's own
                    continue
                out[f"{t} index {ix['name']}"] = (
                    f"{'unique ' if ix['unique'] else ''}({', '.join(ix['column_names'])})")
        for t in seen.get_view_names():         # SQLite's answer (schema 10): its columns
            out[f"table {t}"] = "present"
            for c in seen.get_columns(t):
                out[f"{t}.{c['name']}"] = "a view's column"
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                for t, wr in conn.execute(text("SELECT name, wr FROM pragma_table_list "
                                               "WHERE type = 'table' AND schema = 'main'")):
                    if not t.startswith("sqlite_"):
                        out[f"{t} without rowid"] = bool(wr)
        return out
    finally:
        engine.dispose()


def differences(by_steps: dict[str, object], by_models: dict[str, object]) -> list[str]:
    """One line per thing the two schemas do not share, naming it."""
    lines = []
    for key in sorted(by_steps.keys() | by_models.keys()):
        steps, models = by_steps.get(key), by_models.get(key)
        table = key.split(" ", 1)[1] if key.startswith("table ") else key.split(".")[0].split()[0]
        if key != f"table {table}" and f"table {table}" not in by_steps.keys() & by_models.keys():
            continue            # a whole table missing on one side: said once, by its name
        if key not in by_models:
            lines.append(f"{key}: made by the migrations ({steps}) but not declared in "
                         "reviewer/store/models.py")
        elif key not in by_steps:
            lines.append(f"{key}: declared in reviewer/store/models.py ({models}) but no "
                         "migration step makes it")
        elif steps != models:
            lines.append(f"{key}: the migrations make {steps}; reviewer/store/models.py "
                         f"declares {models}")
    return lines


def assert_same(by_steps: dict[str, object], by_models: dict[str, object]) -> None:
    found = differences(by_steps, by_models)
    assert not found, ("the models and the migrations disagree:\n  " + "\n  ".join(found)
                       + f"\n{HOW}")


def as_declared(described: dict[str, object], dialect: str) -> dict[str, object]:
    """The models' schema as each database holds it: on SQLite the tables of
    ``models.SQLITE_VIEWS`` are views (their columns, no keys or indexes); PostgreSQL has no
    table of ``models.SQLITE_ONLY``."""
    from reviewer.store.models import SQLITE_ONLY, SQLITE_VIEWS

    out = {}
    for key, value in described.items():
        table = key.split(" ", 1)[1] if key.startswith("table ") else key.split(".")[0].split()[0]
        if dialect == "sqlite" and table in SQLITE_VIEWS:
            if key.startswith("table ") or "." in key.split()[0]:
                out[key] = value if key.startswith("table ") else "a view's column"
        elif dialect == "sqlite" or table not in SQLITE_ONLY:
            out[key] = value
    return out


def from_models(url: str) -> None:
    from sqlalchemy import create_engine

    from reviewer.store.models import metadata

    engine = create_engine(url)
    try:
        metadata().create_all(engine)
    finally:
        engine.dispose()


def sqlite_pair(tmp_path: Path) -> tuple[str, str]:
    steps, models = tmp_path / "steps.db", tmp_path / "models.db"
    Database(str(steps)).close()
    from_models(f"sqlite:///{models}")
    return f"sqlite:///{steps}", f"sqlite:///{models}"


def test_on_sqlite_the_models_are_the_schema_the_migrations_make(tmp_path):
    steps, models = sqlite_pair(tmp_path)
    by_steps, by_models = describe(steps), as_declared(describe(models), "sqlite")
    assert_same(by_steps, by_models)
    assert by_steps["event_bundle_record without rowid"] is True   # it sees the details
    assert by_steps["answer.login"] == "a view's column"
    assert by_steps["record index ix_record_audit_seq"] == "(audit_id, seq)"
    assert by_steps["audit foreign key (question_set_id)"] == "question_set (id)"
    assert by_steps["record unique (audit_id, ref)"] == "present"


def _to_next(db) -> None:
    db.execute("ALTER TABLE plan ADD COLUMN sponsor VARCHAR NOT NULL DEFAULT ''")
    db.execute("CREATE INDEX ix_plan_sponsor ON plan (sponsor)")


def test_a_step_not_mirrored_in_the_models_is_named(tmp_path, monkeypatch):
    newest = max(migrations.STEPS)
    monkeypatch.setitem(migrations.STEPS, newest + 1, _to_next)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", newest + 1)
    steps, models = sqlite_pair(tmp_path)
    by_steps, by_models = describe(steps), as_declared(describe(models), "sqlite")
    found = differences(by_steps, by_models)
    assert found == [
        "plan index ix_plan_sponsor: made by the migrations ((sponsor)) but not declared in "
        "reviewer/store/models.py",
        "plan.sponsor: made by the migrations (text NOT NULL default='') but not declared in "
        "reviewer/store/models.py"]
    with pytest.raises(AssertionError, match="plan.sponsor.*\n.*AND the same change"):
        assert_same(by_steps, by_models)


def test_a_model_edit_with_no_step_is_named(tmp_path):
    steps, models = sqlite_pair(tmp_path)
    by_steps, by_models = describe(steps), as_declared(describe(models), "sqlite")
    by_models["record.assigned_to"] = "text NOT NULL default=None"
    by_models.update({"table orphan": "present", "orphan.id": "integer NOT NULL default=None"})
    assert differences(by_steps, by_models) == [
        "record.assigned_to: the migrations make text NULL default=None; "
        "reviewer/store/models.py declares text NOT NULL default=None",
        "table orphan: declared in reviewer/store/models.py (present) but no migration step "
        "makes it"]


def test_on_postgresql_the_models_are_the_schema_the_migrations_make(pg_pair):  # noqa: F811
    steps_url, models_url = pg_pair
    Database(steps_url).close()
    from_models(models_url)
    by_steps = describe(steps_url)
    by_models = as_declared(describe(models_url), "postgresql")
    assert_same(by_steps, by_models)
    assert by_steps["audit.id"].startswith("integer NOT NULL default=nextval(")
    assert by_steps["event.audit_id"] == "integer NOT NULL default=None"


def test_the_program_never_imports_the_models():
    """The models are for people and this test: the frozen app leaves them out
    (packaging/reviewer.spec) and a command's start-up must not pay SQLModel's import."""
    import ast

    root = Path(__file__).resolve().parents[2]
    importers = []
    for path in sorted(p for d in ("reviewer", "ui") for p in (root / d).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [f"{node.module}.{a.name}" for a in node.names]
                     if isinstance(node, ast.ImportFrom) and node.module else [])
            if any(n.startswith(("reviewer.store.models", "sqlmodel")) for n in names):
                importers.append(str(path.relative_to(root)))
    assert importers == ["reviewer/store/models.py"]
