"""Incident lists: the population a dip sample is drawn from.

An incident list is last month's export from a command-and-control or crime system, as CSV (any
of , ; tab, with or without Excel's BOM) or XLSX (first worksheet, header in row 1), with any
columns. The officer picks the column that holds each incident's reference; every other column
is kept, as text, in the incident's JSON ``fields``:

- a blank header cell is named ``column N`` (N counted from 1); a header that repeats an earlier
  one gets `` (2)``, `` (3)`` ... so no value is lost;
- every incident stores every column (blank cells as ``""``), so a stratum is never missing;
- an ``audio`` column holding a relative path is resolved against the list's folder, as in an
  answer table.

Importing (``ops.sampling.import_incident_list``, stored by ``store.incidents``) is
all-or-nothing and replaces the audit's previous list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reviewer.clock import now_iso
from reviewer.errors import ReviewerError
from reviewer.files.answer_table import PATH_FIELDS, resolve_path_cell
from reviewer.files.tables import Table, head_table, iter_table

MAX_PROBLEMS = 50          # lines reported before "... and N more" (a wrong ref column repeats)


class IncidentListProblems(ReviewerError):
    """The incident list cannot be imported; ``problems`` holds FILE:ROW:COLUMN lines."""


def header_names(header: list[str]) -> list[str]:
    """The header as stored: blank cells named ``column N``, repeats numbered ``name (2)``."""
    out: list[str] = []
    seen: set[str] = set()
    for i, text in enumerate(header):
        base = text or f"column {i + 1}"
        name, k = base, 2
        while name in seen:
            name, k = f"{base} ({k})", k + 1
        seen.add(name)
        out.append(name)
    return out


def preview_incident_list(path: str | Path, max_rows: int = 20) -> Table:
    """(header, [(row number, cells)]) of the first ``max_rows`` non-blank rows, for a column
    picker. The header is named as :func:`import_incident_list` will store it. The file is read
    only as far as the rows shown."""
    header, rows = head_table(path, max_rows)
    return header_names(header), rows


def _ref_index(names: list[str], ref_column: str, name: str) -> int:
    wanted = ref_column.strip()
    if wanted in names:
        return names.index(wanted)
    folded = [i for i, n in enumerate(names) if n.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise IncidentListProblems(f"{name}:1:{wanted}: the ref column '{wanted}' is not in the "
                               f"header (columns: {', '.join(names) or 'none'})")


def read_incident_list(path: str | Path, ref_column: str
                       ) -> tuple[int, dict[str, Any], Iterator[tuple[str, str]]]:
    """Check an incident list: its number of incidents, where it came from (``info``), and its
    rows as (ref, fields JSON), read again as they are stored (``store.incidents``, by the
    operation ``ops.sampling.import_incident_list``).

    ``ref_column`` is the header of the column holding the incident reference (matched exactly,
    else case-insensitively). A blank or repeated ref (compared after trimming, case-sensitive)
    is an error; every problem is reported as ``FILE:ROW:COLUMN: message`` and nothing is
    written. Incidents keep the file's row order as ``seq`` (1, 2, ...). Records already drawn
    from a previous list are left alone.

    The file is read twice, as a stream: once to check it, once to write it, so memory stays
    flat however long the list is."""
    path = Path(path)
    name = str(path)
    stamp = _stamp(path)
    header, rows = iter_table(path, problems := [])
    names = header_names(header)
    ref_col = _ref_index(names, ref_column, name)
    count = _check(name, names, ref_col, rows, problems)
    if not count and not problems:
        raise IncidentListProblems(f"{name}:2: the incident list has no rows below the header")
    if problems:
        raise IncidentListProblems(problems)
    others = [(i, n) for i, n in enumerate(names) if i != ref_col]
    info = {"source": path.name, "path": str(path.resolve()), "ref_column": names[ref_col],
            "columns": [n for _, n in others], "rows": count, "imported_at": now_iso()}
    return count, info, _staged(path, ref_col, others, stamp, count)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return st.st_size, st.st_mtime_ns


def _check(name: str, names: list[str], ref_col: int, rows: Iterator[tuple[int, list[str]]],
           problems: list[str]) -> int:
    """The number of rows; blank and repeated refs added to ``problems`` (first ones kept)."""
    seen: dict[str, int] = {}
    count = more = 0
    column = names[ref_col]
    for number, cells in rows:
        ref = cells[ref_col].strip()
        if ref and ref not in seen:
            seen[ref] = number
            count += 1
            continue
        if len(problems) >= MAX_PROBLEMS:
            more += 1
        elif not ref:
            problems.append(f"{name}:{number}:{column}: the ref is blank")
        else:
            problems.append(f"{name}:{number}:{column}: duplicate ref '{ref}' "
                            f"(also in row {seen[ref]})")
    if more:
        problems.append(f"{name}: ... and {more} more problems (is '{column}' the column "
                        "with the incident reference?)")
    return count


def _staged(path: Path, ref_col: int, others: list[tuple[int, str]], stamp: tuple[int, int],
            count: int) -> Iterator[tuple[str, str]]:
    """(ref, fields JSON) of every row, read again; the file must be as it was checked."""
    base = path.resolve().parent
    audio = [i for i, n in others if n in PATH_FIELDS]
    _, rows = iter_table(path)
    written = 0
    for _, cells in rows:
        ref = cells[ref_col].strip()
        for i in audio:
            cells[i] = resolve_path_cell(cells[i].strip(), base)
        if not ref:
            break
        written += 1
        yield ref, json.dumps({n: cells[i].strip() for i, n in others}, ensure_ascii=False)
    if written != count or _stamp(path) != stamp:
        raise ReviewerError(f"{path}: the file changed while it was being imported; "
                            "nothing was written")
