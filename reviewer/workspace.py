"""The one object a front end holds (after Anki's ``Collection``): an open database and who is
working on it, with the reads a screen needs.

Front ends never run SQL or hold the connection themselves: they read through these methods and
change things only through the operations in ``reviewer.ops`` (each takes a Workspace and
returns an ``OpResult`` saying what changed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from reviewer.store import audits
from reviewer.store.db import Database
from reviewer.store.identity import display_name, session_login

if TYPE_CHECKING:
    from types import ModuleType

    from reviewer.analysis.agreement_result import Agreement
    from reviewer.analysis.compare import Comparison
    from reviewer.analysis.plans import PlanStatus
    from reviewer.analysis.tally import Tally
    from reviewer.questions.model import QuestionSet
    from reviewer.store.answers import RecordView
    from reviewer.store.audits import AuditInfo
    from reviewer.store.history import HistoryEvent
    from reviewer.store.plans import PlanInfo
    from reviewer.store.records import RecordRow


class Workspace:
    def __init__(self, db: Database, reviewer: str):
        self.db = db
        self.login = session_login(db)
        self.reviewer = display_name(db, self.login, reviewer)

    def set_reviewer(self, name: str) -> None:
        """Choose the display name (on PostgreSQL only the one attached to the login); a name
        holding a control character is refused (docs/settings.md)."""
        from reviewer.settings import check_name

        name = check_name(name, "the reviewer name")
        self.reviewer = display_name(self.db, self.login, name or self.reviewer)

    @property
    def desk_file(self) -> bool:
        """A SQLite file: names are the operating system's, not verified (docs/contracts.md
        §10)."""
        return self.db.dialect == "sqlite"

    @classmethod
    def open(cls, target: str, reviewer: str, lock_timeout: float | None = None) -> Workspace:
        """The database at ``target``, worked on by ``reviewer`` (a name holding a control
        character is refused, docs/settings.md)."""
        from reviewer.settings import check_name

        reviewer = check_name(reviewer, "the reviewer name")
        db = Database(target, lock_timeout=lock_timeout)
        try:
            return cls(db, reviewer)
        except BaseException:
            db.close()
            raise

    @property
    def target(self) -> str:
        return self.db.target

    def close(self) -> None:
        self.db.close()

    # -- waiting for the write lock -----------------------------------------------------------
    def on_wait(self, handler: Callable[[float], None] | None) -> None:
        """Call ``handler(seconds waited)`` while a write waits for another writer."""
        self.db.on_wait = handler

    @contextmanager
    def without_waiting(self) -> Iterator[None]:
        """Writes inside fail at once with ``LockTimeout`` if another writer is at work (so a
        front end can hand them to a thread that waits instead)."""
        patience, self.db.lock_timeout = self.db.lock_timeout, 0.0
        try:
            yield
        finally:
            self.db.lock_timeout = patience

    # -- audits -------------------------------------------------------------------------------
    def audits(self, include_archived: bool = False) -> list[AuditInfo]:
        return audits.list_audits(self.db, include_archived)

    def audit(self, name: str) -> AuditInfo:
        return audits.get_audit(self.db, name)

    def audit_by_id(self, audit_id: int) -> AuditInfo:
        return audits.get_audit_by_id(self.db, audit_id)

    def question_set(self, audit: AuditInfo) -> QuestionSet:
        return audits.question_set(self.db, audit)

    # -- records ------------------------------------------------------------------------------
    def record(self, qs: QuestionSet, record_id: int) -> RecordView:
        from reviewer.store.answers import load_record

        return load_record(self.db, qs, record_id)

    def count_records(self, audit_id: int, **filters: Any) -> int:
        return _records().count(self.db, audit_id, **filters)

    def records_page(self, audit_id: int, offset: int, limit: int,
                     **filters: Any) -> list[RecordRow]:
        return _records().page(self.db, audit_id, offset, limit, **filters)

    def record_position(self, audit_id: int, record_id: int, **filters: Any) -> int | None:
        return _records().position(self.db, audit_id, record_id, **filters)

    def progress_by_reviewer(self, audit_id: int) -> list[tuple[str, int, int]]:
        return _records().progress_by_reviewer(self.db, audit_id)

    def find_ref(self, audit_id: int, ref: str) -> int | None:
        return _records().find_ref(self.db, audit_id, ref)

    def next_incomplete(self, audit_id: int, after_seq: int = 0, **filters: Any) -> int | None:
        return _records().next_incomplete(self.db, audit_id, after_seq, **filters)

    # -- figures ------------------------------------------------------------------------------
    def tally(self, audit: AuditInfo, qs: QuestionSet | None = None) -> Tally:
        from reviewer.figures import tally

        return tally(self.db, audit, qs)

    def tally_by(self, audit: AuditInfo, field: str,
                 qs: QuestionSet | None = None) -> list[tuple[str, Tally]]:
        from reviewer.figures import tally_by

        return tally_by(self.db, audit, field, qs)

    def field_names(self, audit: AuditInfo) -> list[str]:
        from reviewer.store.counts import field_names

        return field_names(self.db, audit.id)

    def records_behind(self, audit: AuditInfo, qid: str, answer: str, by: str | None = None,
                       value: str | None = None) -> list[tuple[int, str]]:
        from reviewer.store.counts import records_behind

        return records_behind(self.db, audit.id, qid, answer, by, value)

    def compare(self, chosen: list[AuditInfo]) -> Comparison:
        from reviewer.figures import compare_audits

        return compare_audits(self.db, chosen)

    def weighted(self, audit: AuditInfo, t: Tally) -> dict[str, Any] | None:
        """Question id -> weighted estimate where the sample's strata were drawn at unequal
        fractions (docs/weighted.md), else None."""
        from reviewer.figures import weighted

        return weighted(self.db, audit, t)

    def agreement(self, a: AuditInfo, *others: AuditInfo) -> Agreement:
        from reviewer.figures import agreement

        return agreement(self.db, a, *others)

    # -- improvement plans ----------------------------------------------------------------------
    def plans(self) -> list[PlanInfo]:
        from reviewer.store.plans import list_plans

        return list_plans(self.db)

    def plan(self, name: str) -> PlanInfo:
        from reviewer.store.plans import get_plan

        return get_plan(self.db, name)

    def plan_status(self, plan: PlanInfo, audits: list[AuditInfo]) -> PlanStatus:
        from reviewer.analysis.plans import plan_status

        return plan_status(plan, audits, [self.tally(a) for a in audits])

    # -- incident lists and history -----------------------------------------------------------
    def population_size(self, audit_id: int) -> int:
        from reviewer.store.incidents import population_size

        return population_size(self.db, audit_id)

    def incident_columns(self, audit_id: int) -> list[str]:
        from reviewer.store.incidents import incident_columns

        return incident_columns(self.db, audit_id)

    def history(self, audit_id: int, ref: str | None = None) -> list[HistoryEvent]:
        from reviewer.store.history import events

        return events(self.db, audit_id, ref)

    def history_stream(self, audit_id: int, ref: str | None = None,
                       actions: tuple[str, ...] | None = None,
                       login: str | None = None) -> Iterator[HistoryEvent]:
        """``history`` (or, with ``actions``, ``access_log``) a batch at a time, for printing
        millions of events (docs/performance.md)."""
        from reviewer.store.history import iter_events

        return iter_events(self.db, audit_id, ref, actions, login)

    def policy(self, audit_id: int):
        """The audit's disclosure and retention policy (``store.policy.Policy``)."""
        from reviewer.store.policy import get_policy

        return get_policy(self.db, audit_id)

    def access_log(self, audit_id: int, ref: str | None = None,
                   login: str | None = None) -> list[HistoryEvent]:
        """The ``view`` and ``export`` events (docs/evidence.md)."""
        from reviewer.store.history import ACCESS, events

        return events(self.db, audit_id, ref, ACCESS, login)


def _records() -> ModuleType:
    """``store.records``, loaded when first used: `reviewer tally` does without it
    (docs/performance.md, "Feedback workbook and start-up")."""
    from reviewer.store import records

    return records
