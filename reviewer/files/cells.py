"""The cell rules of every table file the program writes or reads (docs/contracts.md §5): the one
place that decides them.

Writing (CSV and XLSX alike): a text value that begins with ``=``, ``+``, ``-``, ``@``, a tab, a
carriage return or ``'`` gets one leading ``'``, so no spreadsheet takes it for a formula (the
OWASP rule); a plain number such as ``-2``, ``-0.5`` or ``-1e3`` is left alone. XLSX cells are
always written as strings, never formulas, and characters an XLSX file cannot hold (control
characters other than tab, line feed and carriage return; U+FFFE, U+FFFF, lone surrogates) are
left out and counted, so an export never fails on them.

Reading: one leading ``'`` is removed from a value whose next character is one of those seven,
so a file written by the program reads back as the values it was written from, ``=1+1``,
``'quoted`` and ``-x`` included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

TRIGGERS = frozenset("=+-@\t\r'")
QUOTE = "'"
NUMBER_RE = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_STARTS = re.compile("(?:^|\x1f)[-=+@\t\r']")    # a cell of a \x1f-joined row starts so
XLSX_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def neutralise(text: str) -> str:
    """``text`` as written to a CSV/XLSX cell: with one leading ``'`` when it could start a
    formula (or starts with ``'``), unless it is a plain number."""
    if text and text[0] in TRIGGERS and not NUMBER_RE.fullmatch(text):
        return QUOTE + text
    return text


def restore(text: str) -> str:
    """A cell read from a file: one leading ``'`` removed when the next character is one of
    the seven that :func:`neutralise` protects (``restore(neutralise(t)) == t`` for every t)."""
    if text[:1] == QUOTE and text[1:2] in TRIGGERS:
        return text[1:]
    return text


def restore_row(cells: list[str]) -> list[str]:
    """:func:`restore` on every cell (cheap when no cell holds a ``'``)."""
    if QUOTE not in "".join(cells):
        return cells
    return [restore(c) for c in cells]


class SafeCells:
    """The cell rules for one output file. ``xlsx=True`` also removes the characters XLSX cannot
    hold, counting them in ``removed`` (see :meth:`warning`)."""

    def __init__(self, xlsx: bool = False):
        self.xlsx = xlsx
        self.removed = 0

    def text(self, text: str) -> str:
        safe, removed = self._safe(text)
        self.removed += removed
        return safe

    def _safe(self, text: str) -> tuple[str, int]:
        removed = 0
        if self.xlsx and not text.isprintable():
            text, removed = XLSX_ILLEGAL_RE.subn("", text)
        if text and text[0] in TRIGGERS:
            return neutralise(text), removed
        return text, removed

    def value(self, value: Any) -> Any:
        """A cell value: text made safe; numbers, dates, booleans and None as they are."""
        return self.text(value) if isinstance(value, str) else value

    def row(self, values: Sequence[Any]) -> Sequence[Any]:
        """A row of values made safe (``values`` itself when nothing needs changing)."""
        if not isinstance(values, (list, tuple)):
            values = list(values)
        try:
            joined = "\x1f".join(values)
        except TypeError:                      # numbers or None among the values
            return [self.text(v) if isinstance(v, str) else v for v in values]
        if (self.xlsx and not joined.isprintable()) or _STARTS.search(joined):
            return [self.text(v) for v in values]
        return values

    def column(self, values: Iterable[Any]) -> list[Any]:
        """A whole column: each distinct value worked out once when values repeat, else only
        the values that need a change looked at twice."""
        values = list(values)
        if not set(map(type, values)) <= {str}:
            return [self.text(v) if isinstance(v, str) else v for v in values]
        distinct = set(values)
        if len(distinct) * 4 <= len(values):
            memo = {v: self._safe(v) for v in distinct}
            if any(removed for _, removed in memo.values()):
                self.removed += sum(memo[v][1] for v in values)
            return [memo[v][0] for v in values]
        xlsx = self.xlsx
        out = values.copy()
        for i, v in enumerate(values):
            if v[:1] in TRIGGERS or (xlsx and not v.isprintable()):
                out[i] = self.text(v)
        return out

    def warning(self, path: object) -> str | None:
        """The line to show when characters were left out of an XLSX file, else None."""
        if not self.removed:
            return None
        n = self.removed
        return (f"{path}: {n} control character{'s' if n != 1 else ''} that XLSX cannot hold "
                f"{'were' if n != 1 else 'was'} left out")

