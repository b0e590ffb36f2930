"""The database schema, declared with SQLModel (the current version; ``migrations`` brings older
databases up to it).

Imported only when a database has to be created or migrated: opening an up-to-date database
reads ``meta.schema_version`` through the plain DB-API connection and never imports SQLModel.
Columns added by a migration come last in their table, as ``ALTER TABLE ... ADD COLUMN`` puts
them, so an upgraded database and a new one have the same schema.
"""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class QuestionSetRow(SQLModel, table=True):
    """A question set frozen by content: audits point at the exact questions they used."""

    __tablename__ = "question_set"
    __table_args__ = (UniqueConstraint("key", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str
    version: int
    title: str
    content_hash: str
    definition: str          # canonical JSON (QuestionSet.to_json)
    source: str = ""         # the YAML as it was loaded, for people to read
    source_name: str = ""


class Audit(SQLModel, table=True):
    __tablename__ = "audit"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    question_set_id: int = Field(foreign_key="question_set.id")
    description: str = ""
    created_at: str
    archived: bool = False
    sample: str = ""         # JSON description of how the records were drawn
    # schema 2
    signed_off_by: str | None = None
    signed_off_at: str | None = None
    calibrates: int | None = None      # the main audit this one double-scores (blind)


class Record(SQLModel, table=True):
    __tablename__ = "record"
    __table_args__ = (UniqueConstraint("audit_id", "ref"), Index("ix_record_audit_seq",
                                                                  "audit_id", "seq"))
    id: int = Field(primary_key=True)
    audit_id: int = Field(foreign_key="audit.id")
    seq: int                 # the order records are reviewed in
    ref: str
    fields: str = "{}"       # JSON object of the other columns (date, area, audio ...)
    complete: bool = False
    # schema 2
    assigned_to: str | None = None     # the reviewer whose queue it is in


class AnswerRow(SQLModel, table=True):
    """One row per answered / n/a / not-asked question of a record (blank = no row)."""

    __tablename__ = "answer"
    # WITHOUT ROWID: the rows are stored in primary-key order, one B-tree fewer to keep up.
    __table_args__ = (Index("ix_answer_tally", "audit_id", "question_id", "state", "value"),
                      {"sqlite_with_rowid": False})
    record_id: int = Field(primary_key=True, foreign_key="record.id")
    question_id: str = Field(primary_key=True)
    audit_id: int
    state: int               # logic.ANSWERED / NA / NOT_ASKED (UNANSWERED when only a note)
    value: str | None = None
    note: str = ""
    reviewer: str = ""
    answered_at: str = ""
    # schema 2: the history event that gave this answer (an import's event for its answers)
    event_seq: int | None = None


class UndoEntry(SQLModel, table=True):
    """What one reviewer's answer or note replaced, so that reviewer can take it back."""

    __tablename__ = "undo"
    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(index=True)
    record_id: int
    question_id: str
    before: str              # JSON: {question_id: [state, value, note, reviewer, answered_at]}
    reviewer: str = ""
    at: str = ""
    # schema 2: the same cells as they were left, so an undo never overwrites a later change
    after: str | None = None


class Incident(SQLModel, table=True):
    """An imported incident list (the population a sample is drawn from)."""

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_audit_seq", "audit_id", "seq"),)
    id: int = Field(primary_key=True)
    audit_id: int = Field(foreign_key="audit.id")
    seq: int
    ref: str
    fields: str = "{}"


class Event(SQLModel, table=True):
    """The audit's history (SPEC §6): append-only, one row per change or disclosure."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_ref", "audit_id", "ref", "seq"),)
    audit_id: int = Field(primary_key=True)
    seq: int = Field(primary_key=True)       # 1, 2, ... within the audit
    at: str
    reviewer: str
    action: str
    ref: str | None = None
    question: str | None = None
    before: str | None = None
    after: str | None = None
    detail: str = ""


class Plan(SQLModel, table=True):
    """An improvement plan (SPEC §9), imported from a table."""

    __tablename__ = "plan"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    created_at: str
    updated_at: str = ""
    source_name: str = ""
    sha256: str = ""


class PlanItem(SQLModel, table=True):
    __tablename__ = "plan_item"
    __table_args__ = (UniqueConstraint("plan_id", "ref"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id")
    seq: int
    ref: str
    area: str
    due: str = ""            # YYYY-MM-DD or ""
    owner: str = ""
    progress: str = ""
    updated: str = ""        # YYYY-MM-DD or ""
    complete: bool | None = None
    questions: str = ""      # question ids joined by ";" ("" = link by paragraph number)


APPEND_ONLY = ("event",)   # tables whose rows are never changed or deleted (triggers refuse)


def table(name: str):
    return SQLModel.metadata.tables[name]


def ddl(dialect_name: str) -> list[str]:
    """CREATE TABLE / INDEX statements of the whole schema for a DB-API connection."""
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = sql_dialect(dialect_name)
    out = []
    for t in SQLModel.metadata.sorted_tables:
        out.append(str(CreateTable(t).compile(dialect=dialect)))
        out.extend(str(CreateIndex(ix).compile(dialect=dialect)) for ix in t.indexes)
    return out


def sql_dialect(dialect_name: str):
    from sqlalchemy.dialects import postgresql, sqlite

    return sqlite.dialect() if dialect_name == "sqlite" else postgresql.dialect()
