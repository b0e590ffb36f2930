"""docs/contracts.md §5 strict reading (reviewer/files/tables.py, csv_source.py): cells beyond the
header and broken CSV quoting are FILE:ROW:COLUMN errors and nothing is written; what already worked
(BOM, ';' and tab separators, cp1252, blank rows, XLSX) still does; reading streams."""

from __future__ import annotations

import pytest

from reviewer.errors import ReviewerError
from reviewer.files.csv_source import locate_quote
from reviewer.files.incidents import preview_incident_list
from reviewer.files.tables import head_table, iter_table, read_table
from reviewer.store.incidents import population_size
from tests.actions import create_audit, import_incident_list
from tests.conftest import ASB_SET
from tests.unit.helpers import run_cli, snapshot, write_set, write_xlsx

NAME = "Strict"


@pytest.fixture()
def audit(db, tmp_path):
    return create_audit(db, NAME, write_set(tmp_path))


def raw(tmp_path, text: str, name: str = "in.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def import_errors(capsys, db, path) -> list[str]:
    before = snapshot(db)
    code, out, err = run_cli(capsys, "--db", db.target, "answers", "import", NAME, str(path))
    assert code == 1 and out == "" and "Traceback" not in err
    assert snapshot(db) == before                     # nothing written
    return err.strip().splitlines()


@pytest.mark.parametrize("text, line", [
    ("ref,1,5\nR1,Y,ok\nR2,N,fine,oops\n",
     "{f}:3:column 4: a value beyond the header's last column ('oops')"),
    ("ref,1,5\r\nR1,Y,ok,,, extra \r\n",
     "{f}:2:column 6: a value beyond the header's last column ('extra')"),
    ("ref;1;5\nR1;Y;ok\n\nR2;N;x;y\n",                  # ';'-separated, a blank row counted
     "{f}:4:column 4: a value beyond the header's last column ('y')"),
    ("ref,1,5\nR1,Y,\"never closed\nR2,N,x\n",
     '{f}:2:5: a quoted cell is not closed (the " that opens it has no closing "; write "" for '
     "a quote inside a quoted cell)"),
    ("ref,1,5\nR1,Y,\"ab\"c\n",
     '{f}:2:5: text follows the " that closes a quoted cell (write "" for a quote inside a '
     "quoted cell)"),
    ("ref,5\nR1,\"two\nlines\"\nR2,\"bad\"x\n",          # the record's row, not the file's line
     '{f}:3:5: text follows the " that closes a quoted cell (write "" for a quote inside a '
     "quoted cell)"),
    ("ref\t1\t5\nR1\tY\t\"x\n",                          # tab-separated
     '{f}:2:5: a quoted cell is not closed (the " that opens it has no closing "; write "" for '
     "a quote inside a quoted cell)"),
    ("ref,1\nR1,Y,\"x\n",                                 # beyond the header: column N
     '{f}:2:column 3: a quoted cell is not closed (the " that opens it has no closing "; write '
     '"" for a quote inside a quoted cell)'),
    ("ref,\"1\nR1,Y\n",                                   # in the header itself
     '{f}:1:column 2: a quoted cell is not closed (the " that opens it has no closing "; write '
     '"" for a quote inside a quoted cell)'),
])
def test_csv_errors_are_located(db, audit, tmp_path, capsys, text, line):
    path = raw(tmp_path, text)
    assert import_errors(capsys, db, path) == [line.format(f=path)]


def test_every_row_with_extra_cells_is_reported(db, audit, tmp_path, capsys):
    rows = "".join(f"R{i},Y,x,extra{i}\n" for i in range(60))
    path = raw(tmp_path, "ref,1,5\n" + rows)
    lines = import_errors(capsys, db, path)
    assert len(lines) == 51 and lines[0].startswith(f"{path}:2:column 4: ")
    assert lines[-1] == f"{path}: ... and 10 more rows with values beyond the header's last column"


def test_an_unclosed_quote_does_not_swallow_the_file(db, audit, tmp_path, capsys):
    body = "".join(f"R{i},Y,note {i}\n" for i in range(20_000))
    path = raw(tmp_path, "ref,1,5\nR0,Y,\"oops\n" + body)
    lines = import_errors(capsys, db, path)
    assert len(lines) == 1 and lines[0].startswith(f"{path}:2:5: a quoted cell is not closed")


def test_xlsx_cells_beyond_the_header(db, audit, tmp_path, capsys):
    path = write_xlsx(tmp_path / "in.xlsx", ["ref", "1", None], [["R1", "Y", None, "note"]])
    assert import_errors(capsys, db, path) == [
        f"{path}:2:column 4: a value beyond the header's last column ('note')"]


def test_what_worked_still_works(tmp_path):
    for text, encoding in [("\ufeffref,1,5\nR1,Y,café\n", "utf-8"),
                           ("ref;1;5\nR1;Y;café\n", "cp1252"),
                           ("ref\t1\t5\r\n\r\nR1\tY\tcafé\t\t\r\n", "utf-8"),
                           ("ref,1,5,,\nR1,Y,café\n", "utf-8")]:
        header, rows = read_table(raw(tmp_path, text, encoding=encoding))
        assert header == ["ref", "1", "5"]
        assert [r for _, r in rows] == [["R1", "Y", "café"]]
    # cp1252 far down a big file: the whole file is judged, not its first megabyte
    text = "ref,5\n" + "".join(f"R{i},plain ascii text\n" for i in range(80_000)) + "Rx,café\n"
    header, rows = read_table(raw(tmp_path, text, encoding="cp1252"))
    assert rows[-1][1] == ["Rx", "café"]


def test_iter_table_streams_and_reports_at_the_end(tmp_path):
    path = raw(tmp_path, "ref,1\nA,Y\nB,N,extra\nC,Y\n")
    header, rows = iter_table(path)
    assert header == ["ref", "1"]
    assert next(rows) == (2, ["A", "Y"])
    assert next(rows) == (3, ["B", "N"])                 # yielded, reported when done
    assert next(rows) == (4, ["C", "Y"])
    with pytest.raises(ReviewerError) as info:
        next(rows)
    assert info.value.problems == [f"{path}:3:column 3: a value beyond the header's last "
                                   "column ('extra')"]
    problems: list[str] = []
    header, rows = iter_table(path, problems)
    assert len(list(rows)) == 3 and len(problems) == 1


def test_head_table_reads_only_what_it_shows(tmp_path):
    body = "".join(f"R{i},x\n" for i in range(30)) + "R30,\"unclosed\n" + "R31,y\n" * 10
    path = raw(tmp_path, "ref,v\n" + body)
    header, rows = head_table(path, 20)
    assert header == ["ref", "v"] and len(rows) == 20 and rows[-1] == (21, ["R19", "x"])
    with pytest.raises(ReviewerError, match=r":32:v: a quoted cell is not closed"):
        read_table(path)


def test_locate_quote():
    assert locate_quote('a,"b""c",d\n', ",") == (2, None)      # no problem: the last column
    assert locate_quote('a,"b\n', ",") == (1, "unclosed")
    assert locate_quote('a,"b"x,c\n', ",") == (1, "after")
    assert locate_quote('a;b;"c\nd";"e', ";") == (3, "unclosed")


# -- incident lists ----------------------------------------------------------------------------
def test_incident_list_errors_write_nothing(db, tmp_path):
    audit = create_audit(db, "Incidents", ASB_SET)
    path = raw(tmp_path, "Log,Area\nL1,North\nL2,South,spare\nL1,East\n", "cad.csv")
    before = snapshot(db)
    with pytest.raises(ReviewerError) as info:
        import_incident_list(db, audit, path, "Log")
    assert info.value.problems == [
        f"{path}:3:column 3: a value beyond the header's last column ('spare')",
        f"{path}:4:Log: duplicate ref 'L1' (also in row 2)"]
    assert snapshot(db) == before and population_size(db, audit.id) == 0


def test_incident_preview_of_a_big_list_reads_its_head(tmp_path):
    path = raw(tmp_path, "Log,Area\n" + "".join(f"L{i},North\n" for i in range(50_000))
               + 'L-end,"never closed\n', "big.csv")
    header, rows = preview_incident_list(path)
    assert header == ["Log", "Area"] and len(rows) == 20


def test_an_incident_list_changed_while_importing_writes_nothing(db, tmp_path, monkeypatch):
    import reviewer.files.incidents as incidents

    audit = create_audit(db, "Incidents", ASB_SET)
    path = raw(tmp_path, "Log,Area\nL1,North\nL2,South\n", "cad.csv")
    stamps = iter([(1, 1), (2, 2)])
    monkeypatch.setattr(incidents, "_stamp", lambda p: next(stamps))
    with pytest.raises(ReviewerError, match="changed while it was being imported"):
        import_incident_list(db, audit, path, "Log")
    assert population_size(db, audit.id) == 0
