"""What an operation changed, for front ends to refresh from (after Anki's ``OpChanges``):
derived from the history events it appended and what the store's writes reported, never set by
hand (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reviewer.store.answers import ANSWERS
from reviewer.store.history import CHANGES, Action
from reviewer.store.plans import PLANS


@dataclass
class Changes:
    """What an operation changed, for front ends to refresh from. Derived from what the store
    wrote (:meth:`derive`), never set by hand."""

    audit_id: int | None = None
    audit_list: bool = False          # audits created, renamed, archived, signed off ...
    records: bool = False             # records added, assigned, or their fields changed
    answers: set[int] = field(default_factory=set)   # records whose answers or notes changed
    all_answers: bool = False         # answers of many records changed (an import)
    history: int = 0                  # events appended
    plans: bool = False               # an improvement plan imported or updated

    @classmethod
    def derive(cls, audit_id: int | None, actions: Mapping[Action, int],
               written: dict[str, set[int | None]]) -> Changes:
        """The changes of the events appended (``actions``: how many of each; each action's
        entry in ``store.history.CHANGES``) and of what the store's writes reported
        (``Database.wrote``)."""
        changes = cls(audit_id=audit_id)
        for action, n in actions.items():
            changes.history += n
            for what in CHANGES[action]:
                if what != "answers":
                    setattr(changes, what, True)
        changes.answers = {k for k in written.get(ANSWERS, ()) if k is not None}
        changes.plans = changes.plans or PLANS in written
        return changes

    def merge(self, other: Changes) -> Changes:
        """The changes of two transactions of one operation (this one's audit first)."""
        return Changes(self.audit_id if self.audit_id is not None else other.audit_id,
                       self.audit_list or other.audit_list, self.records or other.records,
                       self.answers | other.answers, self.all_answers or other.all_answers,
                       self.history + other.history, self.plans or other.plans)

    def touches_answers(self, record_id: int | None = None) -> bool:
        return self.all_answers or (bool(self.answers) if record_id is None
                                    else record_id in self.answers)

    def any(self) -> bool:
        return bool(self.audit_list or self.records or self.answers or self.all_answers
                    or self.history or self.plans)
