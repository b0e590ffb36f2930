"""The answer table's columns (docs/contracts.md §2) and the checks of reading one: the column
names every reader and writer uses, the header sorted into the ref, questions, notes and fields
(:func:`classify`), the problems found, each as ``FILE:ROW:COLUMN: message`` (:class:`Problems`),
and the ask_if rules worked out once per combination of answers (:class:`Rules`). The file is
read into the import's staging table by ``files.answer_staging``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewer.errors import ReviewerError
from reviewer.questions import logic
from reviewer.questions.logic import Answer
from reviewer.questions.model import QuestionSet

# The answer-table columns (docs/contracts.md §2), named in one place for the reader and every
# writer.
REF_COLUMN = "ref"
NOTE_PREFIX = "note:"
AUDIO_FIELD = "audio"     # a record field the importer resolves against the file's folder
PATH_FIELDS = (AUDIO_FIELD, "transcript")   # the fields holding a path (docs/listening.md)


def note_header(qid: str) -> str:
    """The header of a question's note column: ``note:<id>``."""
    return f"{NOTE_PREFIX}{qid}"


class ImportProblems(ReviewerError):
    pass


class Memo(dict):
    """A dict that computes a missing value with ``fn`` (so ``map(memo.__getitem__, xs)`` runs
    in C for every value already seen)."""

    def __init__(self, fn: Callable[[Any], Any]):
        super().__init__()
        self.fn = fn

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.fn(key)
        return value


class Problems:
    def __init__(self, name: str, header: list[str]):
        self.name, self.header = name, header
        self.found: list[tuple[int, int, str]] = []

    def add(self, number: int, col: int, message: str) -> None:
        column = self.header[col] if 0 <= col < len(self.header) else f"column {col + 1}"
        self.found.append((number, col, f"{self.name}:{number}:{column}: {message}"))

    def add_lines(self, lines: list[str]) -> None:
        """Problems already written as ``FILE:ROW:COLUMN: message`` lines."""
        for line in lines:
            row = line[len(self.name) + 1:].split(":", 1)[0]
            # a line without a row ("... and N more") goes last
            self.found.append((int(row) if row.isdigit() else 1 << 62, -1, line))

    def raise_any(self) -> None:
        if self.found:  # in file order: top to bottom, left to right
            raise ImportProblems([text for *_, text in sorted(self.found, key=lambda p: p[:2])])


@dataclass
class Columns:
    """What each column of the file is: the ref, a question (by asking-order index), a note on
    a question, or a record field."""

    ref: int
    questions: dict[int, int] = field(default_factory=dict)     # column -> question index
    notes: dict[int, int] = field(default_factory=dict)         # column -> question index
    fields: list[tuple[int, str]] = field(default_factory=list)  # (column, name)

    def question_column(self, k: int) -> int | None:
        return next((c for c, q in self.questions.items() if q == k), None)


def classify(header: list[str], qs: QuestionSet, name: str) -> Columns:
    problems: list[str] = []
    index = {q.id: k for k, q in enumerate(qs.questions)}
    ref_col = None
    cols = Columns(ref=-1)
    seen: set[str] = set()
    for i, text in enumerate(header):
        if not text:
            problems.append(f"{name}:1:column {i + 1}: the header cell is blank")
            continue
        if text in seen:
            problems.append(f"{name}:1:{text}: the column '{text}' appears twice")
            continue
        seen.add(text)
        if text.casefold() == REF_COLUMN and ref_col is None:
            ref_col = i
        elif text in index:
            cols.questions[i] = index[text]
        elif text.casefold().startswith(NOTE_PREFIX):
            qid = text[len(NOTE_PREFIX):].strip()
            if qid not in index:
                problems.append(f"{name}:1:{text}: note column for unknown question '{qid}'")
            else:
                cols.notes[i] = index[qid]
        else:
            cols.fields.append((i, text))
    if ref_col is None:
        problems.append(f"{name}:1:ref: the required column 'ref' is missing")
    elif ref_col != 0:
        problems.append(f"{name}:1:{header[ref_col]}: the 'ref' column must be the first column")
    if problems:
        raise ImportProblems(problems)
    cols.ref = ref_col
    return cols


class Rules:
    """``logic.evaluate`` worked out once per combination of the answers it depends on: the
    questions in ask_if conditions (parents and follow-ups) and those with ``na: false``."""

    def __init__(self, qs: QuestionSet):
        self.qs = qs
        self.ids = [q.id for q in qs.questions]
        self.index = {qid: k for k, qid in enumerate(self.ids)}
        parents = {p for q in qs.questions for p, _ in q.ask_if}
        self.involved = [k for k, q in enumerate(qs.questions)
                         if q.ask_if or not q.na or q.id in parents]
        self.memo = Memo(self._evaluate)

    def _evaluate(self, key: tuple[Answer, ...]) -> tuple[tuple[Answer, ...], list]:
        given = {self.ids[k]: answer for k, answer in zip(self.involved, key, strict=True)}
        resolved, problems = logic.evaluate(self.qs, given)
        return tuple(resolved[self.ids[k]] for k in self.involved), problems

    def resolve(self, key: tuple[Answer, ...]) -> tuple[tuple[Answer, ...], list]:
        return self.memo[key]


def resolve_path_cell(value: str, base: Path) -> str:
    """An ``audio`` or ``transcript`` cell as stored: a relative path taken relative to the
    file's folder; blank, an absolute path and a ``db:ID`` link to a stored transcript kept."""
    from reviewer.files.transcripts import stored_id

    if not value or os.path.isabs(value) or stored_id(value) is not None:
        return value
    return str((base / value).resolve())
