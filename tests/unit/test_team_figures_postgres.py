"""The issue-18 figures on PostgreSQL give what they give on SQLite (docs/contracts.md §13): a
team calibration's agreement, a weighted tally after `audit population`, and a trend with a
plan's due dates (record fields read by the server)."""

from __future__ import annotations

import json

from tests.unit.helpers import run_cli, write_csv, write_set
from tests.unit.test_agreement_many import HEADER, TEAM_SET, main_rows, scorer_rows


def figures(capsys, db: str, tmp_path) -> dict:
    def cli(*argv: str):
        code, out, err = run_cli(capsys, "--db", db, "--reviewer", "lead", *argv)
        assert code == 0, err
        return out

    tmp_path.mkdir()
    qs = write_set(tmp_path, TEAM_SET)
    rows = main_rows()
    for k, row in enumerate(rows):
        row.append("North" if k < 30 else "South")
        row.append(f"2012-0{1 + k % 3}-10")
    cli("audit", "create", "Main", "--set", str(qs))
    cli("answers", "import", "Main", str(write_csv(tmp_path / "m.csv",
                                                   [*HEADER, "area", "date"], rows)))
    cli("audit", "create", "Cal", "--calibrate", "Main", "--records", "20", "--seed", "5",
        "--scorers", "a,b,c")
    by_ref = {r[0]: r[:len(HEADER)] for r in rows}
    for k, s in enumerate("abc"):
        cli("answers", "export", f"Cal ({s})", str(tmp_path / f"{s}.csv"))
        refs = [line.split(",")[0] for line in
                (tmp_path / f"{s}.csv").read_text(encoding="utf-8-sig").splitlines()[1:]]
        cli("answers", "import", f"Cal ({s})", str(write_csv(
            tmp_path / f"{s}2.csv", HEADER, scorer_rows([by_ref[r] for r in refs], k))))
    write_csv(tmp_path / "pop.csv", ["stratum", "population"], [["North", "300"],
                                                                ["South", "5000"]])
    cli("audit", "population", "Main", str(tmp_path / "pop.csv"), "--by", "area")
    write_csv(tmp_path / "plan.csv", ["ref", "area", "due", "questions"],
              [["A1", "Ask", "2012-02-15", "1"]])
    cli("plan", "import", "P", str(tmp_path / "plan.csv"))
    for m in ("M1", "M2", "M3"):
        cli("audit", "create", m, "--set", str(qs))
        cli("answers", "import", m, str(write_csv(tmp_path / f"{m}.csv", [*HEADER, "date"],
                                                  [[f"{m}-{r[0]}", *r[1:len(HEADER)],
                                                    f"2012-0{m[1]}-01"] for r in rows])))
    return {"agreement": json.loads(cli("agreement", "Cal (a)", "Cal (b)", "Cal (c)",
                                        "--format", "json")),
            "tally": json.loads(cli("tally", "Main", "--format", "json")),
            "trend": json.loads(cli("trend", "M1", "M2", "M3", "--plan", "P",
                                    "--format", "json"))}


def test_postgres_gives_the_sqlite_figures(capsys, tmp_path, pg_url):
    on_pg = figures(capsys, pg_url, tmp_path / "pg")
    on_sqlite = figures(capsys, str(tmp_path / "s.db"), tmp_path / "s")
    assert on_pg == on_sqlite
    assert on_pg["agreement"]["scorers"] and on_pg["tally"]["questions"][0]["weighted"]
    assert on_pg["trend"]["questions"][0]["plan_items"][0]["after"] == "M2"
