"""Reading an improvement plan (docs/contracts.md §9): a CSV or XLSX table, header in row 1, one row
per item.

Columns (matched ignoring case and spaces; the headings of a printed plan are understood too):
``ref`` (required, unique: the plan item, e.g. ``2.1.1``), ``area`` (required: the area for
improvement; "Area for Improvement"), ``due`` ("Due Date"), ``owner`` ("Action Owner"),
``progress`` ("Progress Update", "Latest Update"), ``updated`` ("Date of Update"),
``complete`` ("Complete Yes / No"), and ``questions`` (question ids separated by ``;``). Dates
are ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (or XLSX dates); ``complete`` is Yes or No in any case, or
blank. Other columns are left out (and named, so nobody wonders where they went). Every
problem is a ``FILE:ROW:COLUMN: message`` line; one problem and nothing is read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from reviewer.errors import ReviewerError
from reviewer.files.tables import read_table
from reviewer.plans_model import PlanItem

COLUMNS: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "reference"),
    "area": ("area", "area for improvement", "recommendation"),
    "due": ("due", "due date"),
    "owner": ("owner", "action owner"),
    "progress": ("progress", "progress update", "latest update"),
    "updated": ("updated", "date of update", "last updated"),
    "complete": ("complete", "complete yes / no", "complete yes/no", "completed"),
    "questions": ("questions", "question ids"),
}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class PlanProblems(ReviewerError):
    pass


@dataclass
class PlanTable:
    items: list[PlanItem]
    ignored: list[str]         # columns that are not plan columns


def _key(text: str) -> str:
    return " ".join(text.casefold().replace("_", " ").split())


def parse_date(text: str) -> str:
    """``YYYY-MM-DD`` for a date written ``YYYY-MM-DD`` or ``DD/MM/YYYY``; ValueError else."""
    text = text.strip()
    if ISO.match(text):
        return dt.date.fromisoformat(text).isoformat()
    m = UK.match(text)
    if m:
        return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
    if re.match(r"^\d{4}-\d{2}-\d{2}[ T]00:00(:00)?$", text):     # an XLSX date with a time
        return dt.date.fromisoformat(text[:10]).isoformat()
    raise ValueError(text)


def read_plan(path: str | Path) -> PlanTable:
    path = Path(path)
    name = str(path)
    header, rows = read_table(path)
    wanted = {alias: col for col, aliases in COLUMNS.items() for alias in aliases}
    where: dict[str, int] = {}
    problems: list[str] = []
    ignored: list[str] = []
    for i, text in enumerate(header):
        col = wanted.get(_key(text))
        if col is None:
            if text:
                ignored.append(text)
        elif col in where:
            problems.append(f"{name}:1:{text}: a second '{col}' column "
                            f"(also '{header[where[col]]}')")
        else:
            where[col] = i
    for col in ("ref", "area"):
        if col not in where:
            problems.append(f"{name}:1:{col}: the required column '{col}' is missing")
    if problems:
        raise PlanProblems(problems)
    items: list[PlanItem] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        def cell(col: str, cells=cells) -> str:
            return cells[where[col]].strip() if col in where else ""

        def bad(col: str, message: str, number=number) -> None:
            problems.append(f"{name}:{number}:{header[where[col]]}: {message}")

        item = PlanItem(ref=cell("ref"), area=cell("area"), owner=cell("owner"),
                        progress=cell("progress"))
        if not item.ref:
            bad("ref", "the ref is blank")
        elif item.ref in seen:
            bad("ref", f"duplicate ref '{item.ref}' (also in row {seen[item.ref]})")
        else:
            seen[item.ref] = number
        if not item.area:
            bad("area", "the area for improvement is blank")
        for col in ("due", "updated"):
            text = cell(col)
            if text:
                try:
                    setattr(item, col, parse_date(text))
                except ValueError:
                    bad(col, f"'{text}' is not a date (write YYYY-MM-DD or DD/MM/YYYY)")
        done = cell("complete").casefold()
        if done in ("yes", "y"):
            item.complete = True
        elif done in ("no", "n"):
            item.complete = False
        elif done:
            bad("complete", f"'{cell('complete')}' is not Yes or No")
        item.questions = [q.strip() for q in cell("questions").split(";") if q.strip()]
        items.append(item)
    if problems:
        raise PlanProblems(problems)
    if not items:
        raise PlanProblems(f"{name}:2: the plan has no items below the header")
    return PlanTable(items, ignored)
