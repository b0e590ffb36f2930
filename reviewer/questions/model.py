"""Question sets: the model (docs/contracts.md §1). A question set is what a reviewer scores each
record against: sections in print order, questions in asking order, each of a type (yes_no, choice,
multi_choice, text), with its conditions (``ask_if``) and, on yes/no questions, a target.

Stored with each audit in a canonical JSON form (``to_json``), whose hash decides whether two
files hold the same questions. The YAML loader and validator is ``questions.loader``."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

TYPES = ("yes_no", "choice", "multi_choice", "text")
NA_TOKENS = frozenset({"n/a", "na", "n.a.", "not applicable"})
DIRECTIONS = ("higher", "lower")


# NamedTuples and a plain class, not dataclasses: ``dataclasses`` (with ``inspect`` and ``ast``
# behind it) and the making of each class cost `reviewer tally` about 15 ms of its start-up
# (docs/performance.md, "Start-up without dataclasses on the tally's path").
class Section(NamedTuple):
    id: str
    title: str = ""

    @property
    def heading(self) -> str:
        """The appendix's heading: capitals ending in a colon; "" for an untitled section."""
        title = self.title.strip()
        return title.rstrip(":").upper() + ":" if title else ""


class Question(NamedTuple):
    id: str
    text: str
    type: str
    section: str = ""
    ref: str = ""
    guidance: str = ""
    label: str = ""
    choices: tuple[str, ...] = ()
    ask_if: tuple[tuple[str, tuple[str, ...]], ...] = ()
    na: bool = True
    target: float | None = None  # yes_no only: the Y rate that counts as met (docs/contracts.md §9)
    direction: str = "higher"          # "higher": more Y is better; "lower": fewer Y is better
    same_as: str = ""                  # the id of this question in the set's earlier version
    same_as_why: str = ""              # why it is the same question though worded differently

    def caption(self, with_ref: bool = False) -> str:
        """How tables and lists name the question: ``2a. As a result was ... [LF 2.1.2]``
        (the reference after the text, as in the appendix, when ``with_ref``)."""
        text = f"{self.id}. {self.text}"
        return f"{text} {self.ref}" if with_ref and self.ref else text

    @property
    def tallied(self) -> bool:
        return self.type != "text"

    def allowed_values(self) -> tuple[str, ...]:
        return ("Y", "N") if self.type == "yes_no" else self.choices


class QuestionSet:
    """A question set: its questions in asking order, its sections in print order (one
    untitled section when it names none), looked up by id with :attr:`by_id`."""

    __slots__ = ("id", "title", "version", "questions", "sections", "description", "by_id")

    def __init__(self, id: str, title: str, version: int, questions: list[Question],
                 sections: list[Section] | None = None, description: str = "") -> None:
        self.id, self.title, self.version, self.questions = id, title, version, questions
        self.sections = sections or [Section("", "")]
        self.description = description
        self.by_id = {q.id: q for q in questions}

    def _key(self) -> tuple:
        return (self.id, self.title, self.version, self.questions, self.sections,
                self.description)

    def __eq__(self, other: object) -> bool:
        return (other._key() == self._key() if other.__class__ is self.__class__
                else NotImplemented)

    __hash__ = None         # type: ignore[assignment]  # mutable, as a dataclass's

    def __repr__(self) -> str:
        return (f"QuestionSet(id={self.id!r}, title={self.title!r}, version={self.version!r}, "
                f"questions={self.questions!r}, sections={self.sections!r}, "
                f"description={self.description!r})")

    def section_questions(self, section_id: str) -> list[Question]:
        if len(self.sections) == 1 and not self.sections[0].id:
            return list(self.questions)
        return [q for q in self.questions if q.section == section_id]


    # -- storage form -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "version": self.version,
            "description": self.description,
            "sections": [{"id": s.id, "title": s.title} for s in self.sections if s.id],
            "questions": [_question_dict(q) for q in self.questions],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    def content_hash(self) -> str:
        import hashlib  # here: `reviewer tally` need not load it (docs/performance.md)

        return hashlib.sha256(self.to_json().encode()).hexdigest()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> QuestionSet:
        questions = [
            Question(
                id=q["id"], text=q["text"], type=q["type"], section=q.get("section", ""),
                ref=q.get("ref", ""), guidance=q.get("guidance", ""), label=q.get("label", ""),
                choices=tuple(q.get("choices", ())), na=q.get("na", True),
                target=q.get("target"), direction=q.get("direction", "higher"),
                ask_if=tuple((k, tuple(v)) for k, v in q.get("ask_if", ())),
                same_as=q.get("same_as", ""), same_as_why=q.get("why", ""),
            )
            for q in d["questions"]
        ]
        sections = [Section(s["id"], s.get("title", "")) for s in d.get("sections", [])]
        return cls(id=d["id"], title=d["title"], version=int(d["version"]), questions=questions,
                   sections=sections, description=d.get("description", ""))

    @classmethod
    def from_json(cls, text: str) -> QuestionSet:
        return cls.from_dict(json.loads(text))


def _question_dict(q: Question) -> dict[str, Any]:
    d: dict[str, Any] = {"id": q.id, "text": q.text, "type": q.type}
    for key in ("section", "ref", "guidance", "label"):
        if getattr(q, key):
            d[key] = getattr(q, key)
    if q.choices:
        d["choices"] = list(q.choices)
    if q.ask_if:
        d["ask_if"] = [[k, list(v)] for k, v in q.ask_if]
    if not q.na:
        d["na"] = False
    if q.target is not None:
        d["target"] = q.target
    if q.direction != "higher":
        d["direction"] = q.direction
    if q.same_as:                      # only when given: older sets keep their digest
        d.update(same_as=q.same_as, why=q.same_as_why)
    return d
