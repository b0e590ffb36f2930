"""docs/contracts.md §3: the ``reviewer`` command — exit codes, error lines, --db / REVIEWER_DB,
tally formats and ``--by`` groups."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from reviewer.outputs.tally_format import CSV_HEADER
from tests.conftest import ASB_SET, DEMO_CSV
from tests.unit.helpers import run_cli

AUDIT = "BTP ASB 2012"
HEAVY = ("sqlmodel", "sqlalchemy", "openpyxl", "matplotlib", "weasyprint", "statsmodels",
         "scipy", "PySide6")


def reviewer(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "REVIEWER_DB"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True,
                          text=True, check=False, env=full_env)


@pytest.fixture()
def demo_db(demo_audit, db):
    return db.target


def one_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


# -- errors ------------------------------------------------------------------------------------
def test_unknown_audit_is_one_line_exit_1(demo_db):
    line = one_error_line(reviewer("--db", demo_db, "tally", "No such audit"))
    assert "No such audit" in line and AUDIT in line      # names the audits there are


@pytest.mark.parametrize("argv", [
    ("answers", "import", "No such audit", str(DEMO_CSV)),
    ("answers", "export", "No such audit", "out.csv"),
    ("tally", "No such audit", "--format", "json"),
    ("tally", "No such audit", "--by", "area", "--format", "json"),
])
def test_unknown_audit_in_every_command(demo_db, argv, capsys):
    code, out, err = run_cli(capsys, "--db", demo_db, *argv)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "No such audit" in err


@pytest.mark.parametrize("argv", [
    (),
    ("tally",),
    ("tally", AUDIT, "--format", "xml"),
    ("answers",),
    ("answers", "import", AUDIT),
    ("audit", "create", "X"),
    ("sets", "validate"),
    ("frobnicate",),
])
def test_usage_errors_exit_2(demo_db, argv):
    done = reviewer("--db", demo_db, *argv)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert "usage:" in done.stderr and "Traceback" not in done.stderr


def test_an_unusable_database_is_one_line(tmp_path):
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("this is not a database\n" * 100)
    line = one_error_line(reviewer("--db", str(not_a_db), "tally", AUDIT))
    assert str(not_a_db) in line
    line = one_error_line(reviewer("--db", str(tmp_path), "audit", "list"))   # a directory
    assert str(tmp_path) in line


def test_a_duplicate_audit_name_is_refused(demo_db, capsys):
    code, out, err = run_cli(capsys, "--db", demo_db, "audit", "create", AUDIT, "--set",
                             str(ASB_SET))
    assert code == 1 and out == "" and "already exists" in err


def test_version(capsys):
    code, out, _ = run_cli(capsys, "--version")
    assert code == 0 and out.startswith("reviewer ")


# -- --db and REVIEWER_DB ----------------------------------------------------------------------
def test_db_option_beats_the_environment(tmp_path):
    env_db, opt_db = tmp_path / "env.db", tmp_path / "opt.db"
    env = {"REVIEWER_DB": str(env_db)}
    assert reviewer("audit", "create", "From env", "--set", str(ASB_SET), env=env).returncode == 0
    assert reviewer("--db", str(opt_db), "audit", "create", "From option", "--set",
                    str(ASB_SET), env=env).returncode == 0
    listed_env = reviewer("audit", "list", env=env)
    listed_opt = reviewer("--db", str(opt_db), "audit", "list", env=env)
    assert listed_env.stdout.startswith("From env\t") and "From option" not in listed_env.stdout
    assert listed_opt.stdout.startswith("From option\t") and "From env" not in listed_opt.stdout
    # A URL works as well as a path.
    listed_url = reviewer("--db", f"sqlite:///{opt_db}", "audit", "list")
    assert listed_url.stdout == listed_opt.stdout
    one_error_line(reviewer("--db", str(opt_db), "tally", "From env", env=env))


def test_reviewer_db_is_used_without_the_option(demo_db):
    done = reviewer("tally", AUDIT, "--format", "json", env={"REVIEWER_DB": demo_db})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["records"] == 100


# -- tally formats -----------------------------------------------------------------------------
def test_tally_json_is_one_document(demo_db):
    done = reviewer("--db", demo_db, "tally", AUDIT, "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)                 # the whole of stdout, nothing else
    assert doc["audit"] == AUDIT and doc["records"] == 100
    q1 = doc["questions"][0]
    assert (q1["id"], q1["yes"], q1["no"], q1["na"], q1["unanswered"], q1["total"]) == (
        "1", 10, 90, 0, 0, 100)
    q2b = next(q for q in doc["questions"] if q["id"] == "2b")
    assert list(q2b["counts"]) == ["Ethnicity", "Religion", "Sexual orientation", "Disability",
                                   "Age", "Gender", "Other"]
    assert (q2b["total"], q2b["na"]) == (10, 90)


def test_tally_csv(demo_db, capsys):
    code, out, err = run_cli(capsys, "--db", demo_db, "tally", AUDIT, "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == CSV_HEADER
    col = {name: i for i, name in enumerate(CSV_HEADER)}
    q1 = next(r for r in rows[1:] if r[col["id"]] == "1")
    assert [q1[col[k]] for k in ("Y", "N", "total", "na", "unanswered")] == [
        "10", "90", "100", "0", "0"]
    q9 = [r for r in rows[1:] if r[col["id"]] == "9"]
    assert [r[col["option"]] for r in q9][:2] == ["Response", "CID"]
    assert (q9[0][col["number"]], q9[0][col["total"]]) == ("80", "100")
    assert q9[-1][col["option"]] == "None" and q9[-1][col["number"]] == "17"


def test_tally_text(demo_db, capsys):
    code, out, err = run_cli(capsys, "--db", demo_db, "tally", AUDIT)
    assert code == 0, err
    assert out.startswith(f"{AUDIT} — ")
    assert "not been counted in the totals" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("3. "))
    assert line.split()[-3:] == ["98", "2", "100"]
    assert run_cli(capsys, "--db", demo_db, "tally", AUDIT, "--format", "text")[1] == out


def _counts(q: dict) -> dict[str, int]:
    keys = ("yes", "no", "na", "unanswered", "total", "answered")
    out = {k: q[k] for k in keys if k in q}
    out.update({f"counts:{k}": v for k, v in q.get("counts", {}).items()})
    return out


def test_tally_by_area_groups_add_up(demo_db):
    done = reviewer("--db", demo_db, "tally", AUDIT, "--by", "area", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["by"] == "area"
    groups = doc["groups"]
    assert len(groups) > 1
    assert len({g["value"] for g in groups}) == len(groups)
    assert sum(g["records"] for g in groups) == doc["records"] == 100
    for i, overall in enumerate(doc["questions"]):
        summed: dict[str, int] = {}
        for g in groups:
            q = g["questions"][i]
            assert q["id"] == overall["id"]
            for k, v in _counts(q).items():
                summed[k] = summed.get(k, 0) + v
        assert summed == _counts(overall), overall["id"]
    # Each group is a tally of the same shape, with its own records.
    for g in groups:
        q1 = g["questions"][0]
        assert q1["yes"] + q1["no"] + q1["na"] + q1["unanswered"] == g["records"]


def test_tally_by_a_field_no_record_has_is_refused_naming_the_fields(demo_db, capsys):
    code, out, err = run_cli(capsys, "--db", demo_db, "tally", AUDIT, "--by", "colour",
                             "--format", "json")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "'colour'" in err and "area" in err and "operator" in err


def test_tally_by_in_text(demo_db, capsys):
    code, out, err = run_cli(capsys, "--db", demo_db, "tally", AUDIT, "--by", "channel")
    assert code == 0, err
    assert "== channel: 101 ==" in out and "== channel: 999 ==" in out


@pytest.mark.parametrize("field", ["channel", "section"])
def test_tally_by_in_csv_is_one_table_with_the_group_first(demo_db, capsys, tmp_path, field):
    if field == "section":        # a record field named like a column of the CSV tally
        refs = [r["ref"] for r in csv.DictReader(DEMO_CSV.open(encoding="utf-8-sig"))]
        fields = tmp_path / "sections.csv"
        fields.write_text("ref,section\n" + "".join(f"{r},S{i % 3}\n"
                                                    for i, r in enumerate(refs)))
        code, _, err = run_cli(capsys, "--db", demo_db, "answers", "import", AUDIT, str(fields))
        assert code == 0, err
    code, out, err = run_cli(capsys, "--db", demo_db, "tally", AUDIT, "--by", field,
                             "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    first = field if field not in CSV_HEADER else f"{field} (group)"
    assert rows[0] == [first, *CSV_HEADER]            # one header, no banner lines
    assert all(len(r) == len(rows[0]) for r in rows)
    code, out, _ = run_cli(capsys, "--db", demo_db, "tally", AUDIT, "--by", field,
                           "--format", "json")
    doc = json.loads(out)
    from_csv = {(r[0], r[2]): (r[6], r[7]) for r in rows[1:] if r[5] == ""}
    from_json = {(g["value"], q["id"]): (str(q["yes"]), str(q["no"]))
                 for g in doc["groups"] for q in g["questions"] if q["type"] == "yes_no"}
    assert from_csv == from_json and len({v for v, _ in from_csv}) == len(doc["groups"])


def test_tally_output_is_repeatable(demo_db, tmp_path):
    first = reviewer("--db", demo_db, "tally", AUDIT, "--by", "area", "--format", "json")
    again = reviewer("--db", demo_db, "tally", AUDIT, "--by", "area", "--format", "json")
    assert first.stdout == again.stdout
    assert str(tmp_path) not in first.stdout and demo_db not in first.stdout


def test_tally_command_imports_nothing_heavy(demo_db):
    code = ("import sys\nfrom reviewer.cli import main\n"
            f"status = main(['--db', {demo_db!r}, 'tally', {AUDIT!r}, '--format', 'json'])\n"
            f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
            "print(heavy, file=sys.stderr)\nsys.exit(status or (3 if heavy else 0))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "[]"
