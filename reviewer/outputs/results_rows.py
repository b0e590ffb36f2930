"""The results tables' rows and their wording, in one place (docs/contracts.md §4): every
renderer — the command line's text and CSV (``tally_format``), the PDF's HTML
(``report_tables``), the workbook (``results_xlsx``) and the app's table (``ui/models/results``)
— lays out these rows
and only renders them.

A table per section (sections without tallied questions left out, ``text`` questions never
counted). A ``yes_no`` question is one row (``Y | N | Total``, its Y rate, its target's words);
a ``choice`` or ``multi_choice`` question is a breakdown: a head row (the question, its label —
"Answer" when it has none) and one row per choice in the set's order, the total on the first.
As in the appendix, the ``Y | N | Total`` head is repeated before a ``yes_no`` question that
follows a breakdown.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from reviewer.analysis.stats import Rate, rate
from reviewer.analysis.tally import QuestionTally, Tally
from reviewer.analysis.targets import target_text
from reviewer.questions.model import Section

SECTION, HEAD, YES_NO, BREAKDOWN, CHOICE = "section", "head", "yes_no", "breakdown", "choice"
ANSWER_LABEL = "Answer"        # a breakdown's label when the question names none


# here, not in report_data: `reviewer tally` need not load that; NamedTuples, not dataclasses,
# so that it need not import ``dataclasses`` either (docs/performance.md, "Start-up without
# dataclasses on the tally's path")
class Block(NamedTuple):
    """One results table: a section (title may be empty) and its tallied questions."""

    section: Section
    rows: list[QuestionTally]

    @property
    def heading(self) -> str:
        return self.section.heading


def blocks(t: Tally) -> list[Block]:
    """The tables in section order, text questions left out, empty sections dropped."""
    by_id = t.by_id()
    out = []
    for section in t.qset.sections:
        rows = [by_id[q.id] for q in t.qset.section_questions(section.id) if q.tallied]
        if rows:
            out.append(Block(section, rows))
    return out


class ResultRow(NamedTuple):
    kind: str                        # SECTION, HEAD, YES_NO, BREAKDOWN or CHOICE
    block: Block
    qt: QuestionTally | None = None
    text: str = ""                   # the question's caption (with its ref); a section's heading
    option: str = ""                 # BREAKDOWN: its label; CHOICE: the choice
    number: int = 0                  # CHOICE: how many gave it
    first: bool = False              # CHOICE: the first choice (shows the total)

    @property
    def rate(self) -> Rate:
        """YES_NO: the Y rate; CHOICE: the choice's share of the total."""
        assert self.qt is not None
        return rate(self.number if self.kind == CHOICE else self.qt.yes, self.qt.total)

    @property
    def target(self) -> str:
        """"target ≥ 70%: met" for a question with a target (docs/contracts.md §9), else ""."""
        q = self.qt.question if self.qt is not None else None
        if q is None or q.target is None or self.kind != YES_NO:
            return ""
        return target_text(q.target, q.direction, self.qt.target_status or "")


def block_rows(block: Block) -> Iterator[ResultRow]:
    """One section's rows (no SECTION row)."""
    after_breakdown = False
    for qt in block.rows:
        q = qt.question
        caption = q.caption(with_ref=True)
        if q.type == "yes_no":
            if after_breakdown:
                yield ResultRow(HEAD, block)
            after_breakdown = False
            yield ResultRow(YES_NO, block, qt, caption)
            continue
        after_breakdown = True
        yield ResultRow(BREAKDOWN, block, qt, caption, q.label or ANSWER_LABEL)
        for i, (choice, n) in enumerate(qt.counts.items()):
            yield ResultRow(CHOICE, block, qt, caption, choice, n, i == 0)


def result_rows(t: Tally) -> Iterator[ResultRow]:
    """Every section's SECTION row (its heading; "" for an untitled one), then its rows."""
    for block in blocks(t):
        yield ResultRow(SECTION, block, text=block.heading)
        yield from block_rows(block)
