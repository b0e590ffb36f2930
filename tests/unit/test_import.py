"""docs/contracts.md §2: answer-table import (values, formats, all-or-nothing errors, re-import) and
export round trips. Real SQLite files, real CSV and XLSX files."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from reviewer.ops.importer import ImportProblems
from reviewer.questions.logic import NA, NOT_ASKED
from reviewer.store.audits import get_audit
from tests.actions import create_audit, import_answers
from tests.unit.helpers import (
    SMALL_HEADER,
    SMALL_ROWS,
    export_text,
    read_xlsx,
    run_cli,
    snapshot,
    tally_json,
    write_csv,
    write_set,
    write_xlsx,
)

NAME = "Small"


@pytest.fixture()
def audit(db, tmp_path):
    return create_audit(db, NAME, write_set(tmp_path))


def stored(db, ref: str) -> dict[str, tuple]:
    """question id -> (state, value, note) of one record."""
    rows = db.all("SELECT a.question_id, a.state, a.value, a.note FROM answer a "
                  "JOIN record r ON r.id = a.record_id WHERE r.ref = ?", (ref,))
    return {q: (s, v, n) for q, s, v, n in rows}


def values(db, ref: str) -> dict[str, str | None]:
    return {q: (v if s not in (NA, NOT_ASKED) else "n/a") for q, (s, v, _) in stored(db, ref)
            .items()}


def fields(db, ref: str) -> dict:
    from tests.unit.helpers import stored_fields

    return stored_fields(db, ref)


def by_id(doc: dict) -> dict[str, dict]:
    return {q["id"]: q for q in doc["questions"]}


def imp(db, tmp_path, header, rows, name="in.csv", **kw):
    path = write_csv(tmp_path / name, header, rows, **kw)
    return import_answers(db, get_audit(db, NAME), path, "tester")


# -- values ------------------------------------------------------------------------------------
def test_values_are_case_insensitive_and_trimmed(db, audit, tmp_path):
    header = ["ref", "1", "2", "2a", "2b", "3", "3a", "4", "5"]
    rows = [
        [" A1 ", "Yes", " y ", "YES", " age ", "response", "no", " late ;WRONG TYPE ", " Keep "],
        ["A2", "NO", "n", "", "", " none", "", "N/A", "na"],
        ["A3", "N/A", "NA", "", "", "cid", "n/a", "too few", ""],
        ["A4", "n/a", "Y", "N", "", "Response", "Y", "", "text; with ; semicolons"],
    ]
    result = imp(db, tmp_path, header, rows)
    assert (result.new, result.updated) == (4, 0)
    assert values(db, "A1") == {"1": "Y", "2": "Y", "2a": "Y", "2b": "Age", "3": "Response",
                                "3a": "N", "4": "Wrong type;Late", "5": "Keep"}
    a2 = values(db, "A2")
    assert a2["1"] == "N" and a2["2"] == "N" and a2["3"] == "None"
    assert a2["2a"] == a2["2b"] == a2["3a"] == "n/a"        # not asked
    assert a2["4"] == "n/a" and a2["5"] == "n/a"
    assert stored(db, "A2")["2a"][0] == NOT_ASKED and stored(db, "A2")["4"][0] == NA
    a3 = values(db, "A3")
    assert (a3["1"], a3["2"], a3["3"], a3["3a"], a3["4"]) == ("n/a", "n/a", "CID", "n/a",
                                                              "Too few")
    assert "5" not in a3                                      # blank: no answer row at all
    assert values(db, "A4")["5"] == "text; with ; semicolons"
    assert db.scalar("SELECT COUNT(*) FROM record WHERE ref = 'A1'") == 1   # ref trimmed


def test_none_is_a_label_never_a_null(db, audit, tmp_path):
    imp(db, tmp_path, ["ref", "3"], [["A", "None"], ["B", "NONE"]])
    assert values(db, "A")["3"] == values(db, "B")["3"] == "None"
    assert by_id(tally_json(db, NAME))["3"]["counts"] == {"Response": 0, "CID": 0, "None": 2}


def test_export_uses_the_sets_spelling(db, audit, tmp_path):
    imp(db, tmp_path, ["ref", "3", "4"], [["A", "cid", "LATE; wrong type"]])
    text = export_text(db, NAME, tmp_path / "out.csv")
    assert "CID" in text and "Wrong type; Late" in text


# -- formats -----------------------------------------------------------------------------------
def test_utf8_bom_csv(db, audit, tmp_path):
    result = imp(db, tmp_path, SMALL_HEADER, SMALL_ROWS, encoding="utf-8-sig")
    assert (tmp_path / "in.csv").read_bytes().startswith(b"\xef\xbb\xbfref,")
    assert result.new == 4
    assert result.field_columns == ["area"]
    assert values(db, "R1")["2b"] == "Age"


def test_semicolon_separated_csv(db, audit, tmp_path):
    result = imp(db, tmp_path, SMALL_HEADER, SMALL_ROWS, delimiter=";", encoding="utf-8-sig")
    assert (tmp_path / "in.csv").read_text(encoding="utf-8-sig").startswith("ref;1;2;")
    assert result.new == 4
    assert values(db, "R3")["4"] == "Wrong type;Too few"   # quoted cell with ';' parts
    assert fields(db, "R3") == {"area": "North"}


def test_comma_and_semicolon_files_give_the_same_tally(db, audit, tmp_path):
    imp(db, tmp_path, SMALL_HEADER, SMALL_ROWS)
    comma = tally_json(db, NAME)
    create_audit(db, "Semi", tmp_path / "set.yaml")
    path = write_csv(tmp_path / "semi.csv", SMALL_HEADER, SMALL_ROWS, delimiter=";")
    import_answers(db, get_audit(db, "Semi"), path, "tester")
    semi = tally_json(db, "Semi")
    assert semi["questions"] == comma["questions"] and semi["records"] == 4


def test_xlsx_first_worksheet(db, audit, tmp_path):
    rows = [list(r) for r in SMALL_ROWS]
    rows[0][0] = 12345                       # numbers are read as text
    rows[1][-1] = dt.datetime(2012, 4, 1)    # a date cell becomes its ISO date
    rows[2][2] = "  yes "
    path = write_xlsx(tmp_path / "in.xlsx", SMALL_HEADER + ["count"],
                      [r + [7.0] for r in rows], extra_sheet=True)
    result = import_answers(db, audit, path, "tester")
    assert result.new == 4
    assert result.field_columns == ["area", "count"]
    assert values(db, "12345")["2b"] == "Age"
    assert fields(db, "R2") == {"area": "2012-04-01", "count": "7"}
    assert values(db, "R3")["2"] == "Y"
    assert db.scalar("SELECT COUNT(*) FROM record") == 4   # nothing from the second sheet


def test_note_columns_and_fields(db, audit, tmp_path):
    header = ["ref", "2", "note:2", "date", "operator", "audio"]
    rows = [["A", "Y", " asked late ", "2012-04-01", "OP-1", "calls/a.wav"],
            ["B", "N", "", "2012-04-02", "OP-2", ""]]
    result = imp(db, tmp_path, header, rows)
    assert result.note_columns == ["note:2"]
    assert result.field_columns == ["date", "operator", "audio"]
    assert stored(db, "A")["2"] == (1, "Y", "asked late")
    assert stored(db, "B")["2"][2] == ""
    assert fields(db, "A") == {"date": "2012-04-01", "operator": "OP-1",
                               "audio": str((tmp_path / "calls" / "a.wav").resolve())}
    assert fields(db, "B")["audio"] == ""


def test_a_note_on_an_unanswered_question_is_kept(db, audit, tmp_path):
    imp(db, tmp_path, ["ref", "1", "note:1"], [["A", "", "could not hear the call"]])
    assert stored(db, "A")["1"] == (0, None, "could not hear the call")
    q1 = by_id(tally_json(db, NAME))["1"]
    assert (q1["unanswered"], q1["na"], q1["total"]) == (1, 0, 0)
    text = export_text(db, NAME, tmp_path / "out.csv")
    assert "note:1" in text.splitlines()[0] and "could not hear the call" in text


# -- all-or-nothing errors ---------------------------------------------------------------------
BAD_CASES = {
    "unknown yes_no answer": (
        ["ref", "1"], [["X1", "Maybe"]], [(2, "1", "Maybe")]),
    "unknown choice": (
        ["ref", "3"], [["X1", "Response"], ["X2", "Sight impaired"]],
        [(3, "3", "Sight impaired")]),
    "unknown multi_choice part": (
        ["ref", "4"], [["X1", "Late; Early"]], [(2, "4", "Early")]),
    "answer to a question not asked": (
        ["ref", "2", "2a"], [["X1", "N", "Y"]], [(2, "2a", "not asked")]),
    "answer to a follow-up of a follow-up not asked": (
        ["ref", "2", "2a", "2b"], [["X1", "Y", "N", "Age"]], [(2, "2b", "not asked")]),
    "n/a where na is false": (
        ["ref", "3"], [["X1", "n/a"]], [(2, "3", "n/a")]),
    "duplicate ref": (
        ["ref", "1"], [["X1", "Y"], ["X2", "N"], ["X1", "N"]], [(4, "ref", "X1")]),
    "blank ref": (
        ["ref", "1"], [["X1", "Y"], ["  ", "N"]], [(3, "ref", "blank")]),
    "missing ref column": (
        ["id", "1"], [["X1", "Y"]], [(1, "ref", "ref")]),
    "ref not the first column": (
        ["1", "ref"], [["Y", "X1"]], [(1, "ref", "first")]),
    "note for an unknown question": (
        ["ref", "note:99"], [["X1", "hello"]], [(1, "note:99", "99")]),
    "a header cell twice": (
        ["ref", "1", "1"], [["X1", "Y", "N"]], [(1, "1", "twice")]),
}


@pytest.fixture()
def populated(db, audit, tmp_path):
    """The small audit with four records, plus what it looks like."""
    imp(db, tmp_path, SMALL_HEADER, SMALL_ROWS, name="first.csv")
    return tally_json(db, NAME), export_text(db, NAME, tmp_path / "before.csv"), snapshot(db)


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_a_bad_import_writes_nothing(db, populated, tmp_path, capsys, case):
    header, rows, expected = BAD_CASES[case]
    # Every bad file also updates a good existing record and adds a good new one.
    if "ref" in header and header[0] == "ref":
        rows = [[*(["R1"] + ["n/a" if h == "1" else "" for h in header[1:]])]] + rows
        rows.append(["NEW"] + [""] * (len(header) - 1))
        expected = [(n + 1 if n > 1 else n, col, w) for n, col, w in expected]
    path = write_csv(tmp_path / "bad.csv", header, rows)
    tally_before, export_before, snap_before = populated
    code, out, err = run_cli(capsys, "--db", db.target, "answers", "import", NAME, str(path))
    assert code == 1, err
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == len(expected), lines
    for line, (row, column, word) in zip(sorted(lines), sorted(expected), strict=True):
        assert line.startswith(f"{path}:{row}:{column}: "), line
        assert word in line, (word, line)
    assert snapshot(db) == snap_before
    assert tally_json(db, NAME) == tally_before
    assert export_text(db, NAME, tmp_path / "after.csv") == export_before
    assert db.scalar("SELECT COUNT(*) FROM record") == 4


def test_every_problem_is_printed(db, populated, tmp_path, capsys):
    header = ["ref", "1", "2", "2a", "3"]
    rows = [["B1", "Maybe", "N", "Y", "Response"],     # 1 unknown, 2a not asked
            ["B2", "Y", "Y", "Y", "n/a"],              # 3: n/a not allowed
            ["B3", "Y", "Y", "Y", "Response"],         # fine
            ["B1", "Y", "Y", "Y", "Response"],         # duplicate
            ["", "Y", "Y", "Y", "Response"]]           # blank ref
    path = write_csv(tmp_path / "bad.csv", header, rows)
    code, _, err = run_cli(capsys, "--db", db.target, "answers", "import", NAME, str(path))
    assert code == 1
    prefixes = [ln.split(": ", 1)[0] for ln in err.strip().splitlines()]
    assert sorted(prefixes) == sorted([f"{path}:2:1", f"{path}:2:2a", f"{path}:3:3",
                                       f"{path}:5:ref", f"{path}:6:ref"])
    assert snapshot(db) == populated[2]


def test_a_bad_xlsx_import_reports_spreadsheet_rows(db, populated, tmp_path, capsys):
    path = write_xlsx(tmp_path / "bad.xlsx", ["ref", "1"],
                      [["X1", "Y"], [None, None], ["X2", "perhaps"]])
    code, _, err = run_cli(capsys, "--db", db.target, "answers", "import", NAME, str(path))
    assert code == 1
    assert err.strip().splitlines() == [err.strip()]
    assert err.startswith(f"{path}:4:1: ") and "perhaps" in err
    assert snapshot(db) == populated[2]


def test_import_problems_carry_every_line(db, audit, tmp_path):
    path = write_csv(tmp_path / "bad.csv", ["ref", "1", "2"],
                     [["A", "x", "maybe"], ["B", "Y", "z"]])
    with pytest.raises(ImportProblems) as info:
        import_answers(db, audit, path, "tester")
    assert [p.split(": ", 1)[0] for p in info.value.problems] == [
        f"{path}:2:1", f"{path}:2:2", f"{path}:3:2"]
    assert db.scalar("SELECT COUNT(*) FROM record") == 0


def test_na_is_accepted_for_a_question_not_asked_even_with_na_false(db, tmp_path):
    text = ("id: t\ntitle: T\nversion: 1\nquestions:\n"
            "  - id: p\n    text: p\n    type: yes_no\n"
            "  - id: c\n    text: c\n    type: yes_no\n    na: false\n    ask_if: {p: Y}\n")
    create_audit(db, NAME, write_set(tmp_path, text))
    imp(db, tmp_path, ["ref", "p", "c"], [["A", "N", "n/a"], ["B", "N", ""]])
    assert stored(db, "A")["c"][0] == stored(db, "B")["c"][0] == NOT_ASKED
    with pytest.raises(ImportProblems):
        imp(db, tmp_path, ["ref", "p", "c"], [["C", "Y", "n/a"]], name="c.csv")


# -- re-import ---------------------------------------------------------------------------------
def test_reimport_updates_existing_records(db, populated, tmp_path):
    result = imp(db, tmp_path, ["ref", "1", "area"], [["R2", "Y", "East"], ["R9", "N", "West"]])
    assert (result.new, result.updated) == (1, 1)
    assert db.scalar("SELECT COUNT(*) FROM record") == 5
    assert values(db, "R2")["1"] == "Y"
    assert fields(db, "R2") == {"area": "East"}
    assert values(db, "R2")["3"] == "None"                    # no column: left alone
    seqs = [r[0] for r in db.all("SELECT ref FROM record ORDER BY seq")]
    assert seqs == ["R1", "R2", "R3", "R4", "R9"]             # review order kept


def test_a_blank_cell_clears_and_absent_columns_are_left_alone(db, populated, tmp_path):
    before = stored(db, "R1")
    imp(db, tmp_path, ["ref", "1", "5"], [["R1", "", "changed"]])
    after = stored(db, "R1")
    assert "1" not in after                                   # cleared: unanswered
    assert after["5"][1] == "changed"
    for qid in ("2", "2a", "2b", "3", "3a", "4"):
        assert after[qid] == before[qid], qid
    assert db.scalar("SELECT complete FROM record WHERE ref = 'R1'") == 0
    assert by_id(tally_json(db, NAME))["1"]["unanswered"] == 1


def test_reimport_keeps_fields_not_in_the_file(db, populated, tmp_path):
    imp(db, tmp_path, ["ref", "operator"], [["R1", "OP-9"]])
    assert fields(db, "R1") == {"area": "North", "operator": "OP-9"}


def test_conditions_are_checked_on_the_merged_record(db, populated, tmp_path):
    # Stored: R1 has 2a = Y, so 2b is asked; R3 has 2a = N, so 2b is not asked.
    imp(db, tmp_path, ["ref", "2b"], [["R1", "disability"]])
    assert values(db, "R1")["2b"] == "Disability"
    snap = snapshot(db)
    with pytest.raises(ImportProblems) as info:
        imp(db, tmp_path, ["ref", "2b"], [["R3", "Age"]], name="r3.csv")
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith(f"{tmp_path / 'r3.csv'}:2:2b: ")
    assert snapshot(db) == snap
    # A blank or n/a for the not-asked question is fine.
    imp(db, tmp_path, ["ref", "2b"], [["R3", "n/a"]], name="ok.csv")
    assert stored(db, "R3")["2b"][0] == NOT_ASKED


def test_a_change_that_stops_a_follow_up_clears_it(db, populated, tmp_path):
    assert values(db, "R1")["2a"] == "Y" and values(db, "R1")["2b"] == "Age"
    imp(db, tmp_path, ["ref", "2"], [["R1", "N"]])
    r1 = stored(db, "R1")
    assert r1["2a"][:2] == (NOT_ASKED, None) and r1["2b"][:2] == (NOT_ASKED, None)
    doc = by_id(tally_json(db, NAME))
    assert doc["2b"]["counts"]["Age"] == 0
    # Asking again does not bring the old answers back: the follow-ups wait for new ones.
    imp(db, tmp_path, ["ref", "2"], [["R1", "Y"]], name="again.csv")
    r1 = stored(db, "R1")
    assert "2a" not in r1 and "2b" not in r1
    assert db.scalar("SELECT complete FROM record WHERE ref = 'R1'") == 0
    assert by_id(tally_json(db, NAME))["2a"]["unanswered"] == 1


def test_changing_a_parent_and_answering_the_follow_up_in_one_file(db, populated, tmp_path):
    # R2: 2 = N (2a not asked). The file asks 2a by answering 2 = Y and answers 2a at once.
    imp(db, tmp_path, ["ref", "2", "2a", "2b"], [["R2", "Y", "y", "other"]])
    assert values(db, "R2")["2a"] == "Y" and values(db, "R2")["2b"] == "Other"


def test_reimporting_the_same_file_changes_nothing(db, populated, tmp_path):
    snap = snapshot(db)
    events = snap.pop("event")
    result = imp(db, tmp_path, SMALL_HEADER, SMALL_ROWS, name="first.csv")
    assert (result.new, result.updated, result.changed) == (0, 4, 0)
    after = snapshot(db)
    new_events = [e for e in after.pop("event") if e not in events]
    assert after == snap
    assert [e[4] for e in new_events] == ["import"]          # the import itself is recorded
    assert "new=0 updated=4" in new_events[0][9]          # detail


# -- export round trips ------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_import_round_trip(db, populated, tmp_path, suffix):
    # Give the audit a note and an audio path too.
    imp(db, tmp_path, ["ref", "note:3", "audio"], [["R2", "allocated late", "a/r2.wav"]],
        name="more.csv")
    tally1 = tally_json(db, NAME)
    out1 = tmp_path / f"out1{suffix}"
    from tests.actions import export_answers

    assert export_answers(db, get_audit(db, NAME), out1) == 4

    from reviewer.store.db import Database

    fresh = Database(str(tmp_path / "fresh.db"))
    try:
        create_audit(fresh, NAME, tmp_path / "set.yaml")
        result = import_answers(fresh, get_audit(fresh, NAME), out1, "someone else")
        assert result.new == 4
        assert tally_json(fresh, NAME) == tally1
        out2 = tmp_path / f"out2{suffix}"
        export_answers(fresh, get_audit(fresh, NAME), out2)
    finally:
        fresh.close()
    if suffix == ".csv":
        assert out2.read_bytes() == out1.read_bytes()
    else:
        assert read_xlsx(out2) == read_xlsx(out1)
    # CSV and XLSX exports hold the same cells.
    csv_out = tmp_path / "same.csv"
    export_answers(db, get_audit(db, NAME), csv_out)
    if suffix == ".xlsx":
        import csv

        with csv_out.open(encoding="utf-8-sig", newline="") as f:
            as_csv = list(csv.reader(f))
        assert [[c or "" for c in r] for r in read_xlsx(out1)] == as_csv


def test_round_trip_of_the_demo_audit(demo_audit, db, tmp_path):
    from reviewer.store.db import Database
    from tests.conftest import ASB_SET

    before = tally_json(db, demo_audit.name)
    out1 = tmp_path / "demo.csv"
    text1 = export_text(db, demo_audit.name, out1)
    fresh = Database(str(tmp_path / "fresh.db"))
    try:
        create_audit(fresh, demo_audit.name, ASB_SET)
        import_answers(fresh, get_audit(fresh, demo_audit.name), out1, "x")
        assert tally_json(fresh, demo_audit.name) == before
        assert export_text(fresh, demo_audit.name, tmp_path / "demo2.csv") == text1
    finally:
        fresh.close()


def test_export_header_and_not_asked_cells(db, populated, tmp_path):
    text = export_text(db, NAME, tmp_path / "out.csv")
    lines = text.splitlines()
    assert lines[0] == "ref,1,2,2a,2b,3,3a,4,5,area"
    assert lines[2] == "R2,N,N,,,None,,,,South"            # not asked -> blank
    assert lines[4].startswith("R4,n/a,Y,Y,Other,Response,n/a,n/a,")


def test_cli_import_and_export(db_path, tmp_path, capsys):
    set_path = write_set(tmp_path)
    assert run_cli(capsys, "--db", str(db_path), "audit", "create", NAME, "--set",
                   str(set_path))[0] == 0
    path = write_csv(tmp_path / "in.csv", SMALL_HEADER, SMALL_ROWS)
    code, out, err = run_cli(capsys, "--db", str(db_path), "answers", "import", NAME, str(path))
    assert code == 0 and out == ""
    assert "4 new records" in err
    out_path = tmp_path / "out.xlsx"
    code, out, err = run_cli(capsys, "--db", str(db_path), "answers", "export", NAME,
                             str(out_path))
    assert code == 0 and out == "" and "4 records" in err
    assert read_xlsx(out_path)[0] == SMALL_HEADER


def test_missing_and_unsupported_files(db, audit, tmp_path, capsys):
    for path in (tmp_path / "nope.csv", write_csv(tmp_path / "x.ods", ["ref"], [])):
        code, out, err = run_cli(capsys, "--db", db.target, "answers", "import", NAME,
                                 str(path))
        assert code == 1 and out == ""
        assert len(err.strip().splitlines()) == 1 and str(path) in err
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    code, _, err = run_cli(capsys, "--db", db.target, "answers", "import", NAME, str(empty))
    assert code == 1 and err.startswith(f"{empty}:1: ")


def test_header_only_file_imports_nothing(db, audit, tmp_path):
    result = imp(db, tmp_path, SMALL_HEADER, [])
    assert (result.new, result.updated) == (0, 0)


def test_a_path_may_be_given_as_text(db, audit, tmp_path):
    path = write_csv(tmp_path / "in.csv", SMALL_HEADER, SMALL_ROWS)
    assert import_answers(db, audit, str(path), "t").new == 4


# -- the bulk path (SQLite) and the row-by-row path agree --------------------------------------
def answer_rows(db) -> list[tuple]:
    return sorted(db.all("SELECT r.ref, r.seq, r.fields, r.complete, a.question_id, a.state, "
                         "a.value, a.note, a.reviewer FROM answer a "
                         "JOIN record r ON r.id = a.record_id"))


def test_new_and_updated_records_in_one_file(db, populated, tmp_path):
    # New records with and without notes, and updates, in one file.
    header = ["ref", "2", "2a", "note:2a", "3", "area"]
    rows = [["R1", "N", "", "", "CID", "Zoë's \"area\""],
            ["N1", "Y", "Y", "why", "None", ""],
            ["N2", "Y", "", "", "CID", "{x}"],
            ["R3", "Y", "Y", "", "Response", "W"]]
    result = imp(db, tmp_path, header, rows, name="second.csv")
    assert (result.new, result.updated) == (2, 2)
    assert values(db, "R1")["2"] == "N" and values(db, "R1")["2a"] == "n/a"
    assert values(db, "R1")["1"] == "Y"                       # not in the file: kept
    assert stored(db, "N1")["2a"] == (1, "Y", "why")
    assert "2a" not in stored(db, "N2")                         # pending: blank
    assert fields(db, "N2") == {"area": "{x}"}
    assert fields(db, "R1")["area"] == "Zoë's \"area\""
    assert db.scalar("PRAGMA foreign_keys") == 1               # settings put back
    seqs = [r[0] for r in db.all("SELECT seq FROM record ORDER BY seq")]
    assert seqs == sorted(set(seqs)) and len(seqs) == 6


def test_fields_json_is_what_json_dumps_writes(db, audit, tmp_path):
    header = ["ref", "1", "na{me}", "quote\"d", "ünï"]
    imp(db, tmp_path, header, [["A", "Y", "{}", "a\"b\\c", "日本 \t tab"]])
    text = db.scalar("SELECT fields FROM record WHERE ref = 'A'")
    expected = ["{}", "a\"b\\c", "日本 \t tab"]     # by slot (schema 13): the names once
    assert text == json.dumps(expected, separators=(",", ":"))
    assert fields(db, "A") == {"na{me}": "{}", "quote\"d": "a\"b\\c", "ünï": "日本 \t tab"}


def test_a_failed_import_puts_the_database_settings_back(db, populated, tmp_path):
    with pytest.raises(ImportProblems):
        imp(db, tmp_path, ["ref", "1"], [["X", "Maybe"]])
    assert db.scalar("PRAGMA foreign_keys") == 1


def test_progress_is_reported(db, audit, tmp_path):
    seen = []
    path = write_csv(tmp_path / "in.csv", SMALL_HEADER, SMALL_ROWS)
    import_answers(db, audit, path, "t", progress=lambda n, total: seen.append((n, total)))
    assert seen[0] == (0, 0) and seen[-1] == (4, 4)     # streamed: the total known at the end
    assert (4, 0) in seen
