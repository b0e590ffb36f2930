"""The demo's monthly self-audits (docs/trend.md): twelve synthetic supervisor self-audits of 30
calls each, October 2011 to September 2012, for the trend with control limits.

They are generated, not bundled: month m draws 30 records with ``random.Random(SEED + m)`` from
the 2012 demo records (before the call-handler training of the plan's item AFI 1, due
2012-06-30) or, from July 2012, from the 2013 re-audit's records (after it); in July half and
half. Each record gets a ref and a date of its own month; answers are kept as they are, so every
record is complete and its conditions hold. Made by ``reviewer demo`` before the other demo
audits, so those stay the latest (the Plan view's default evidence)."""

from __future__ import annotations

import csv
import random
import shutil
import tempfile
from pathlib import Path

from reviewer.errors import NotFound
from reviewer.private import private_output
from reviewer.workspace import Workspace

SEED = 2012
RECORDS = 30
MONTHS = [(2011, m) for m in (10, 11, 12)] + [(2012, m) for m in range(1, 10)]
TRAINED = (2012, 7)                  # the first month after the training


def month_name(year: int, month: int) -> str:
    return f"ASB self-audit {year}-{month:02d} (demo)"


def names() -> list[str]:
    return [month_name(y, m) for y, m in MONTHS]


def _rows(name: str) -> tuple[list[str], list[list[str]]]:
    from reviewer.bundled import demo_file

    with demo_file(name).open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def month_rows(k: int) -> list[list[str]]:
    """The answer table (header first) of the k-th month."""
    header, before = _rows("demo-asb-2012.csv")
    _, after = _rows("demo-asb-2013.csv")
    year, month = MONTHS[k]
    rng = random.Random(SEED + k)
    share = 0.0 if (year, month) < TRAINED else (0.5 if (year, month) == TRAINED else 1.0)
    out = [[h for h in header if h != "audio"]]
    ref, date, audio = header.index("ref"), header.index("date"), header.index("audio")
    for i in range(RECORDS):
        source = after if rng.random() < share else before
        row = list(rng.choice(source))
        row[ref] = f"SA-{year}{month:02d}-{i + 1:02d}"
        row[date] = f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
        del row[audio]
        out.append(row)
    return out


def ensure_monthly_demo(ws: Workspace) -> None:
    from reviewer.bundled import DEMO_SET, resolve_set
    from reviewer.ops.audits import create_audit
    from reviewer.ops.importer import import_answers

    folder = Path(tempfile.mkdtemp(prefix="reviewer-demo-"))
    try:
        for k, (year, month) in enumerate(MONTHS):
            name = month_name(year, month)
            try:
                ws.audit(name)
                continue
            except NotFound:
                pass
            audit = create_audit(ws, name, resolve_set(DEMO_SET),
                                 f"Demo: a supervisor's self-audit of {RECORDS} calls of "
                                 f"{year}-{month:02d} (synthetic).").value
            table = folder / f"self-audit-{year}-{month:02d}.csv"
            with private_output(table) as tmp, open(tmp, "w", newline="",
                                                    encoding="utf-8") as f:
                csv.writer(f).writerows(month_rows(k))
            import_answers(ws, audit.id, table)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
