"""Helpers for the report and comparison tests: a later audit made from the demo CSV with some
answers changed, imported through the normal path (no fixtures here, just functions)."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.conftest import ASB_SET, DEMO_CSV

# question id -> (from, to, how many records): only questions nothing depends on.
DEFAULT_CHANGES = {"1": ("N", "Y", 20), "3": ("Y", "N", 15), "16": ("N", "Y", 2)}


def later_csv(path: Path, changes: dict[str, tuple[str, str, int]]) -> Path:
    with DEMO_CSV.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    for qid, (old, new, count) in changes.items():
        col = header.index(qid)
        done = 0
        for row in rows[1:]:
            if done < count and row[col] == old:
                row[col] = new
                done += 1
        assert done == count, (qid, done)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def reworded_set(tmp_path: Path, qid: str = "5", text: str = "Was an attempt to identify a "
                 "repeat caller recorded on the log?") -> Path:
    """A copy of the ASB set, one version on, with one question's wording changed."""
    lines = ASB_SET.read_text(encoding="utf-8").splitlines()
    out, in_question = [], False
    for line in lines:
        if line.startswith("version:"):
            line = f"version: {int(line.split(':')[1]) + 1}"
        if line.strip().startswith("- id:"):
            in_question = line.split(":", 1)[1].strip().strip('"') == qid
        if in_question and line.strip().startswith("text:"):
            line = line.split("text:")[0] + f"text: {text}"
        out.append(line)
    path = tmp_path / "reworded.yaml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def make_later_audit(db, tmp_path: Path, name: str = "BTP ASB 2013",
                     changes: dict[str, tuple[str, str, int]] | None = None,
                     set_file: Path = ASB_SET):
    from reviewer.store.audits import get_audit
    from tests.actions import create_audit, import_answers

    csv_path = later_csv(tmp_path / f"{name}.csv",
                         DEFAULT_CHANGES if changes is None else changes)
    audit = create_audit(db, name, set_file)
    import_answers(db, audit, csv_path, "second-reviewer")
    return get_audit(db, name)
