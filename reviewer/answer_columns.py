"""An audit's answers as columns (read by ``store.columns``; written as an answer table by
``files.exporter`` and as the answers sheet of the results and feedback workbooks)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from reviewer.questions.model import QuestionSet


@dataclass
class AnswerColumns:
    """An audit's records in review order, column by column (one list entry per record)."""

    qs: QuestionSet
    ids: list[int]                     # record ids
    refs: list[str]
    fields: dict[str, list[Any]]       # field name -> value (None where a record lacks it)
    answers: dict[str, list[str]]      # question id -> answer as written in tables ("" blank)
    notes: dict[str, list[str]]        # question id -> note ("" none), questions with a note

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class AnswerTable:
    """An audit's answer table as :class:`AnswerColumns` of a batch of records at a time (read
    by ``store.columns.answer_table``): ``fields`` and ``noted`` (the questions with a note)
    hold for every batch, so the header is known before the first row."""

    qs: QuestionSet
    fields: list[str]
    noted: list[str]
    chunks: Iterator[AnswerColumns]
    guessed: bool = False              # fields from the first records only


class FieldsChanged(Exception):
    """A record has a field that the table's header, guessed from the first records, lacks:
    read again with every field (``store.columns.answer_table(..., fields=None)``)."""
