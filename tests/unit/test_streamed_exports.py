"""The answer table streams (docs/performance.md, "Streaming outputs"): written a batch of
records at a time, it holds the same cells as the audit read whole (``answer_columns``), on
SQLite and PostgreSQL, including a record field that first appears after the records the header
is guessed from, notes, and formula-like text."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.files.exporter import answer_rows
from reviewer.files.tables import read_table
from tests.unit.helpers import run_cli, write_csv, write_set

SET = """\
id: stream-test
title: Streaming test
version: 1
questions:
  - {id: "1", text: "Asked?", type: yes_no}
  - {id: "2", text: "Who?", type: choice, choices: [CID, Response]}
  - {id: "3", text: "Notes", type: text}
"""
RECORDS = 1_300          # the header's fields are guessed from the first 500


def fill(cli, tmp_path: Path) -> None:
    assert cli("audit", "create", "S", "--set", str(write_set(tmp_path, SET)))[0] == 0
    rows = [[f"R{i:05d}", "YN"[i % 2] if i % 7 else "", "CID" if i % 3 else "n/a",
             "=1+1" if i % 11 == 0 else f"text {i % 5}", "late note" if i == 900 else "",
             f"area {i % 4}"] for i in range(1_000)]
    write_csv(tmp_path / "a.csv", ["ref", "1", "2", "3", "note:2", "area"], rows)
    later = [[f"R{i:05d}", "Y", "Response", "", "", f"area {i % 4}", f"-{i}"]
             for i in range(1_000, RECORDS)]
    write_csv(tmp_path / "b.csv", ["ref", "1", "2", "3", "note:2", "area", "late"], later)
    for name in ("a.csv", "b.csv"):
        assert cli("answers", "import", "S", str(tmp_path / name))[0] == 0


def whole(db_target: str) -> tuple[list[str], list[list[str]]]:
    """The table as the audit read whole gives it."""
    from reviewer.store.audits import get_audit
    from reviewer.store.columns import answer_columns
    from reviewer.store.db import Database

    db = Database(db_target)
    try:
        return answer_rows(answer_columns(db, get_audit(db, "S")))
    finally:
        db.close()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_the_streamed_export_holds_the_whole_table(engine, suffix, tmp_path, capsys, request):
    target = (str(tmp_path / "s.db") if engine == "sqlite"
              else request.getfixturevalue("pg_url"))

    def cli(*argv: str) -> tuple[int, str, str]:
        return run_cli(capsys, "--db", target, "--reviewer", "lead", *argv)

    fill(cli, tmp_path)
    out = tmp_path / f"out{suffix}"
    code, _, err = cli("answers", "export", "S", str(out))
    assert code == 0, err
    header, rows = read_table(out)
    expected_header, expected = whole(target)
    assert "late" in header and "note:2" in header
    assert header == expected_header
    assert [cells for _, cells in rows] == expected
    assert len(rows) == RECORDS


def test_small_batches_give_the_same_table(tmp_path, capsys):
    from reviewer.files.exporter import table_header
    from reviewer.store.aligned import field_order
    from reviewer.store.audits import get_audit
    from reviewer.store.columns import answer_table
    from reviewer.store.db import Database

    target = str(tmp_path / "s.db")
    fill(lambda *argv: run_cli(capsys, "--db", target, "--reviewer", "lead", *argv), tmp_path)
    db = Database(target)
    try:
        audit = get_audit(db, "S")
        table = answer_table(db, audit, fields=field_order(db, audit.id), size=7)
        header = table_header(table)
        rows = [row for c in table.chunks for row in answer_rows(c)[1]]
    finally:
        db.close()
    assert (header, rows) == whole(target)
