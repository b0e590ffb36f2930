"""Today's database schema (``reviewer.SCHEMA_VERSION``) as SQLModel classes, to be read. The
schema is made by the frozen steps of ``reviewer/store/migrations.py``, never from these classes
(docs/architecture.md, "Changing the schema"): a change is a new step there AND the same edit
here; ``tests/unit/test_models_match_migrations.py`` compares the two on SQLite and PostgreSQL
(tables, columns, keys, unique constraints, indexes). Not here: the triggers and functions the
steps make, the rows a step writes and the PostgreSQL roles and grants (``store/roles_pg.py``).
A column a later step added comes last in its table, marked with its schema version. Importing
this module costs SQLModel's import (~0.4 s): nothing on a command's start-up path imports it."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    """Key/value settings of the database: ``schema_version`` and the like."""
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


class Incident(SQLModel, table=True):
    """An imported incident list (the population a sample is drawn from)."""
    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_audit_seq", "audit_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id")
    seq: int
    ref: str
    fields: str = "{}"


class Record(SQLModel, table=True):
    __tablename__ = "record"
    __table_args__ = (UniqueConstraint("audit_id", "ref"),
                      Index("ix_record_audit_seq", "audit_id", "seq"))
    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id")
    seq: int                 # the order records are reviewed in
    ref: str
    fields: str = "{}"       # other columns (date, area ...): JSON, by slot since schema 13
    complete: bool = False
    # schema 2
    assigned_to: str | None = None     # the reviewer whose queue it is in


class AnswerRow(SQLModel, table=True):
    """One row per answered / n/a / not-asked question of a record (blank = no row). On
    SQLite (schema 10) a view of these columns over :class:`AnswerPack` (``SQLITE_VIEWS``)."""

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
    # schema 5: the login that gave it (on PostgreSQL the server's session_user, by trigger)
    login: str | None = None


class AnswerPack(SQLModel, table=True):
    """Schema 10, SQLite only: a record's answers (``store.packs``), by question id (schema
    10, 11) or by slot (schema 12, :class:`PackSlot`)."""
    __tablename__ = "answer_pack"
    record_id: int = Field(primary_key=True, foreign_key="record.id",
                           sa_column_kwargs={"autoincrement": False})
    audit_id: int                    # schema 14: no index (read by record id, or scanned)
    event_seq: int | None = None
    pack: str
    base_seq: int | None = None      # schema 11: what entries' seqs n <= 0 count from


class FieldSlot(SQLModel, table=True):
    """Schema 13: an audit's record field names' places (slots) in its records' fields."""
    __tablename__ = "field_slot"
    __table_args__ = (UniqueConstraint("audit_id", "name"), {"sqlite_with_rowid": False})
    audit_id: int = Field(primary_key=True, foreign_key="audit.id",
                          sa_column_kwargs={"autoincrement": False})
    slot: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    name: str


class PackSlot(SQLModel, table=True):
    """Schema 12, SQLite only: an audit's questions' places (slots) in its packs."""
    __tablename__ = "pack_slot"
    __table_args__ = (UniqueConstraint("audit_id", "question_id"), {"sqlite_with_rowid": False})
    audit_id: int = Field(primary_key=True, foreign_key="audit.id",
                          sa_column_kwargs={"autoincrement": False})
    slot: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    question_id: str


SQLITE_VIEWS, SQLITE_ONLY = ("answer",), ("answer_pack", "pack_slot")   # views; not on PG


class Event(SQLModel, table=True):
    """The audit's history (docs/contracts.md §6): append-only, one row per change or
    disclosure. Triggers (schema 2, 3) refuse any UPDATE, DELETE, overwrite or TRUNCATE."""

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
    # schema 5 (docs/evidence.md): who, and the hash chain. ``rows`` is the zlib-compressed
    # JSON of the answers an upgrade or import event gave.
    login: str | None = None
    salt: bytes | None = None
    prev: bytes | None = None
    hash: bytes | None = None
    rows: bytes | None = None
    # schema 8: a pack of events (docs/evidence.md, "Packed events"; ``store.bundle``)
    bundle: bytes | None = None


class EventSeal(SQLModel, table=True):
    """Schema 5: sealed commitments of an event's texts after disposal (docs/evidence.md);
    append-only, like the history (triggers)."""

    __tablename__ = "event_seal"
    audit_id: int = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    ref: bytes | None = None
    before: bytes | None = None
    after: bytes | None = None
    detail: bytes | None = None
    # schema 8: a pack's commitments (``store.bundle``)
    bundle: bytes | None = None


class EventBundleRecord(SQLModel, table=True):
    """Schema 8: the records each pack of history events names (``store.bundle``), so
    ``history --ref`` opens only those packs; append-only (triggers)."""

    __tablename__ = "event_bundle_record"
    __table_args__ = ({"sqlite_with_rowid": False},)
    audit_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    record_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})


class AuditPolicy(SQLModel, table=True):
    """Schema 5: an audit's policy: purpose required on disclosures, review date, disposal."""
    __tablename__ = "audit_policy"
    audit_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    require_purpose: bool
    retain_until: str | None = None
    disposed_at: str | None = None


class TeamMember(SQLModel, table=True):
    """Schema 5: the team's roles, by login (docs/evidence.md)."""
    __tablename__ = "team_member"
    login: str = Field(primary_key=True)
    role: str
    display_name: str | None = None
    granted_by: str
    granted_at: str

class AuditCount(SQLModel, table=True):
    """Schema 6: each audit's number of records and of complete ones, kept by triggers on
    ``record`` in the transaction that changes it (docs/performance.md)."""

    __tablename__ = "audit_count"
    __table_args__ = ({"sqlite_with_rowid": False},)
    audit_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    records: int
    complete: int


class AuditCountPart(SQLModel, table=True):
    """Schema 7: counts kept aside by a transaction that sets reviewer.count_part (an import
    writing before the write lock on PostgreSQL); an audit's counts are ``audit_count`` plus
    these (docs/performance.md)."""

    __tablename__ = "audit_count_part"
    __table_args__ = ({"sqlite_with_rowid": False},)
    audit_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    part: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    records: int
    complete: int


class AnswerTouched(SQLModel, table=True):
    """Schema 9: the audits whose answers a transaction changed, until the team database's
    answer check (``migrations.answer_check_9``) checks them at its commit; always empty to
    others (docs/evidence.md, "Rights")."""

    __tablename__ = "answer_touched"
    __table_args__ = ({"sqlite_with_rowid": False},)
    tx: int = Field(primary_key=True, sa_type=BigInteger,
                    sa_column_kwargs={"autoincrement": False})
    audit_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})



class Plan(SQLModel, table=True):
    """An improvement plan (docs/contracts.md §9), imported from a table."""
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


class Transcript(SQLModel, table=True):
    """Schema 4: a transcript ``reviewer transcribe`` made, stored (docs/listening.md, "Stored
    transcripts"); a record's ``transcript`` field links one as ``db:ID``."""

    __tablename__ = "transcript"
    __table_args__ = (Index("ix_transcript_record", "audit_id", "record_id"),)
    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id")
    record_id: int = Field(foreign_key="record.id")
    segments: str            # JSON list of the lines
    machine: bool
    engine: str
    created_at: str
    created_by: str


def metadata():
    return SQLModel.metadata        # every table (for create_all and the test)
