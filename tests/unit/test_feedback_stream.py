"""The feedback workbook streams (docs/performance.md, "Feedback workbook and start-up"): each
person's sheet, written from the answer table read a batch of records at a time and put aside
by group, holds what the audit read whole (``answer_columns``) gives for that group: only the
fields and note columns its own records have, its records in review order, on SQLite and
PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.helpers import run_cli, write_csv, write_set

SET = """\
id: feedback-stream
title: Feedback streaming test
version: 1
questions:
  - {id: "1", text: "Asked?", type: yes_no}
  - {id: "2", text: "Who?", type: choice, choices: [CID, Response]}
  - {id: "3", text: "Checked?", type: yes_no, ask_if: {"1": ["Y"]}}
"""
RECORDS = 700
OPS = ["A", "B", ""]


def fill(cli, tmp_path: Path) -> None:
    """A's records come in a file with a ``shift`` column, the others' in one without it."""
    assert cli("audit", "create", "S", "--set", str(write_set(tmp_path, SET)))[0] == 0
    files: dict[bool, list[list[str]]] = {True: [], False: []}
    for i in range(RECORDS):
        op = OPS[(i * 7) % 11 % 3]
        files[op == "A"].append(
            [f"R{i:05d}", "YN"[i % 2] if i % 5 else "", "CID" if i % 3 else "n/a",
             "Y" if i % 10 == 2 else "", op,
             'said <b> & "hi"' if op == "B" and i % 13 == 0 else "",      # only B's notes
             str(i) if i >= 650 else "", f"shift {i % 4}"])         # "late": first seen late
    head = ["ref", "1", "2", "3", "op", "note:1", "late", "shift"]
    for with_shift in (True, False):
        name = f"{with_shift}.csv"
        width = len(head) - (not with_shift)
        write_csv(tmp_path / name, head[:width], [r[:width] for r in files[with_shift]])
        code, _, err = cli("answers", "import", "S", str(tmp_path / name))
        assert code == 0, err


def expected(db, audit) -> dict[str, list[list]]:
    """Per group: the header and rows of its record table, from the audit read whole."""
    from reviewer.files.answer_table import note_header
    from reviewer.outputs.xlsx_util import group_value, typed
    from reviewer.store.columns import answer_columns

    c = answer_columns(db, audit, not_asked="n/a")
    out = {}
    for op in OPS:
        at = [i for i, v in enumerate(c.fields["op"]) if group_value(v) == op]
        names = [n for n in c.fields if n != "op" and any(c.fields[n][i] is not None
                                                           for i in at)]
        header: list = ["ref", *names]
        columns = [[c.refs[i] for i in at],
                   *([typed(c.fields[n][i]) or None for i in at] for n in names)]
        for q in c.qs.questions:
            header.append(q.id)
            columns.append([c.answers[q.id][i] or None for i in at])
            notes = [c.notes.get(q.id, [""] * len(c))[i] for i in at]
            if any(notes):
                header.append(note_header(q.id))
                columns.append([n or None for n in notes])
        out[op] = [header, *map(list, zip(*columns, strict=True))]
    return out


def record_table(ws) -> list[list]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "ref")
    width = len([v for v in rows[start] if v is not None])
    return [r[:width] + [None] * (width - len(r)) for r in rows[start:]]


def check(path: Path, want: dict[str, list[list]]) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary", "A", "B", "(blank)"]
    for op, title in zip(OPS, ["A", "B", "(blank)"], strict=True):
        assert record_table(wb[title]) == want[op], title
    assert "shift" in want["A"][0] and "shift" not in want["B"][0]
    assert "note:1" in want["B"][0] and "note:1" not in want["A"][0]
    assert all("late" in want[op][0] for op in OPS)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_each_sheet_holds_its_group_as_read_whole(engine, tmp_path, capsys, request):
    from reviewer.store.audits import get_audit
    from reviewer.store.db import Database

    target = (str(tmp_path / "s.db") if engine == "sqlite"
              else request.getfixturevalue("pg_url"))
    fill(lambda *argv: run_cli(capsys, "--db", target, "--reviewer", "lead", *argv), tmp_path)
    out = tmp_path / "f.xlsx"
    code, _, err = run_cli(capsys, "--db", target, "feedback", "S", "--by", "op", "--out",
                           str(out))
    assert code == 0, err
    db = Database(target)
    try:
        want = expected(db, get_audit(db, "S"))
    finally:
        db.close()
    check(out, want)


def test_small_batches_give_the_same_sheets(tmp_path, capsys):
    from contextlib import closing

    from reviewer.figures import feedback_figures
    from reviewer.outputs.feedback_xlsx import operator_feedback_xlsx
    from reviewer.store.aligned import field_order
    from reviewer.store.audits import get_audit
    from reviewer.store.columns import answer_table
    from reviewer.store.db import Database

    target = str(tmp_path / "s.db")
    fill(lambda *argv: run_cli(capsys, "--db", target, "--reviewer", "lead", *argv), tmp_path)
    with closing(Database(target)) as db:
        audit = get_audit(db, "S")
        f = feedback_figures(db, audit, "op")
        f.answers = lambda: answer_table(db, audit, f.qs, not_asked="n/a",
                                         fields=field_order(db, audit.id), size=7)
        check(operator_feedback_xlsx(f, tmp_path / "f.xlsx"), expected(db, audit))
