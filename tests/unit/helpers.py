"""Small helpers shared by the unit tests: writing question sets and answer tables, running the
command line in-process, and snapshotting a database's content."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

# A small set with every type, a two-step ask_if chain, a list condition and na: false.
SMALL_SET = """\
id: small-test-set
title: Small test set
version: 1
description: A set for the unit tests.
sections:
  - id: s1
    title: First section
  - id: s2
    title: Second section
questions:
  - id: "1"
    section: s1
    text: Have repeat occasions been checked?
    ref: LF 1
    type: yes_no
  - id: "2"
    section: s1
    text: Has vulnerability been checked?
    type: yes_no
  - id: "2a"
    section: s1
    text: Was vulnerability identified?
    type: yes_no
    ask_if: {"2": "Y"}
  - id: "2b"
    section: s1
    text: What was the vulnerability?
    type: choice
    label: Vulnerability type
    choices: [Age, Disability, Other]
    ask_if: {"2a": "Y"}
  - id: "3"
    section: s2
    text: Who was it allocated to?
    type: choice
    choices: [Response, CID, None]
    na: false
  - id: "3a"
    section: s2
    text: Was the allocation right?
    type: yes_no
    ask_if: {"3": ["Response", "CID"]}
  - id: "4"
    section: s2
    text: Which problems were found?
    type: multi_choice
    choices: [Wrong type, Too few, Late]
  - id: "5"
    section: s2
    text: Comment
    type: text
"""

SMALL_HEADER = ["ref", "1", "2", "2a", "2b", "3", "3a", "4", "5", "area"]
SMALL_ROWS = [
    ["R1", "Y", "Y", "Y", "Age", "Response", "Y", "Late", "fine", "North"],
    ["R2", "N", "N", "", "", "None", "", "", "", "South"],
    ["R3", "Y", "Y", "N", "", "CID", "N", "Wrong type; Too few", "", "North"],
    ["R4", "n/a", "Y", "Y", "Other", "Response", "n/a", "n/a", "", ""],
]


def write_set(directory: Path, text: str = SMALL_SET, name: str = "set.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]],
              delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: Sequence[object], rows: Sequence[Sequence[object]],
               extra_sheet: bool = False) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "answers"
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    if extra_sheet:
        other = wb.create_sheet("notes")
        other.append(["not", "the", "answers"])
        other.append(["x", "y", "z"])
    wb.save(path)
    return path


def read_xlsx(path: Path) -> list[list[object]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``reviewer`` in-process: (exit status, stdout, stderr)."""
    from reviewer.cli.main import main

    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def cli_as(capsys: pytest.CaptureFixture[str], db_path: Path, default: str):
    """``call(*argv, who=default)``: the command line on ``db_path`` as reviewer ``who``."""
    def call(*argv: str, who: str = default) -> tuple[int, str, str]:
        return run_cli(capsys, "--db", str(db_path), "--reviewer", who, *argv)
    return call


def tally_json(db, name: str) -> dict:
    from reviewer.figures import tally
    from reviewer.outputs.tally_format import tally_dict, to_json
    from reviewer.store.audits import get_audit

    audit = get_audit(db, name)
    return json.loads(to_json(tally_dict(audit, tally(db, audit))))


def export_text(db, name: str, path: Path) -> str:
    from reviewer.store.audits import get_audit
    from tests.actions import export_answers

    export_answers(db, get_audit(db, name), path)
    return path.read_text(encoding="utf-8-sig")


def snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: the database's whole content."""
    tables = [r[0] for r in db.all("SELECT name FROM sqlite_master WHERE type = 'table' "
                                   "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: sorted(db.all(f"SELECT * FROM {t}"), key=repr) for t in tables}


def stored_fields(db, ref: str, audit_id: int | None = None) -> dict:
    """A record's fields as the program reads them (an array by its audit's slots since schema
    13: ``store.field_slots``)."""
    from reviewer.store.field_slots import Slots

    where = "ref = ?" + (" AND audit_id = ?" if audit_id is not None else "")
    audit, text = db.one(f"SELECT audit_id, fields FROM record WHERE {where}",
                         (ref, *(() if audit_id is None else (audit_id,))))
    return Slots(db, audit).decode(text)
