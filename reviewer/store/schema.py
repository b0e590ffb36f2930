"""The database schema, declared with SQLModel, and its migrations.

Imported only when a database has to be created or migrated: opening an up-to-date database
reads ``meta.schema_version`` through the plain DB-API connection and never imports SQLModel.
"""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from reviewer import SCHEMA_VERSION  # noqa: F401 - re-exported for migrations


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


class UndoEntry(SQLModel, table=True):
    """What an answer replaced, so the last answer can be undone from any front end."""

    __tablename__ = "undo"
    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(index=True)
    record_id: int
    question_id: str
    before: str              # JSON: {question_id: [state, value, note, reviewer, answered_at]}
    reviewer: str = ""
    at: str = ""


class Incident(SQLModel, table=True):
    """An imported incident list (the population a sample is drawn from)."""

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_audit_seq", "audit_id", "seq"),)
    id: int = Field(primary_key=True)
    audit_id: int = Field(foreign_key="audit.id")
    seq: int
    ref: str
    fields: str = "{}"


def create_all(engine) -> None:
    SQLModel.metadata.create_all(engine)


def ddl(dialect_name: str) -> list[str]:
    """CREATE TABLE / INDEX statements for running on an existing DB-API connection."""
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = sqlite.dialect() if dialect_name == "sqlite" else postgresql.dialect()
    out = []
    for table in SQLModel.metadata.sorted_tables:
        out.append(str(CreateTable(table).compile(dialect=dialect)))
        out.extend(str(CreateIndex(ix).compile(dialect=dialect)) for ix in table.indexes)
    return out


# version -> list of SQL statements that bring a database from version-1 to version.
MIGRATIONS: dict[int, list[str]] = {}
