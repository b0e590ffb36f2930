"""Dip sampling: incident-list import, reproducible simple and stratified draws, sample sizes."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from reviewer.analysis.sampling import allocate, suggest_sample_size
from reviewer.errors import ReviewerError
from reviewer.files.incidents import preview_incident_list
from reviewer.outputs.sample_text import describe
from reviewer.store.audits import get_audit
from reviewer.store.incidents import incident_columns, incident_list_info, population_size
from tests.actions import create_audit, draw_sample, import_incident_list
from tests.conftest import ASB_SET
from tests.unit.helpers import stored_fields

AREAS = ["North", "South", "East", "West", "Central"]
HEADER = ["Incident No", "Opened", "Area", "Closure code"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def incident_rows(n: int) -> list[list[str]]:
    # uneven strata: North gets about a third, the rest share the remainder
    return [[f"INC{i:06d}", f"2024-05-{i % 28 + 1:02d} 10:00",
             "North" if i % 3 == 0 else AREAS[1 + i % 4], f"C{i % 5}"] for i in range(1, n + 1)]


@pytest.fixture()
def audit(db):
    return create_audit(db, "ASB May 2024", ASB_SET)


@pytest.fixture()
def listed(db, audit, tmp_path):
    """An audit with a 1,000-incident list imported."""
    import_incident_list(db, audit, write_csv(tmp_path / "list.csv", incident_rows(1000)),
                         "Incident No")
    return audit


def record_refs(db, audit_id: int) -> list[str]:
    return [r[0] for r in db.all("SELECT ref FROM record WHERE audit_id = ? ORDER BY seq",
                                 (audit_id,))]


# -- incident lists ---------------------------------------------------------------------------
def test_import_csv(db, audit, tmp_path):
    path = write_csv(tmp_path / "cad.csv", incident_rows(50))
    assert import_incident_list(db, audit, path, "incident no") == 50   # case-insensitive match
    assert population_size(db, audit.id) == 50
    assert incident_columns(db, audit.id) == ["Opened", "Area", "Closure code"]
    seq, ref, fields = db.one("SELECT seq, ref, fields FROM incident WHERE audit_id = ? "
                              "ORDER BY seq LIMIT 1", (audit.id,))
    assert (seq, ref) == (1, "INC000001")
    assert json.loads(fields) == {"Opened": "2024-05-02 10:00", "Area": "East",
                                  "Closure code": "C1"}
    info = incident_list_info(db, audit.id)
    assert info["source"] == "cad.csv" and info["ref_column"] == "Incident No"
    assert info["rows"] == 50


def test_import_xlsx_and_preview(db, audit, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Log", "Area", "Priority"])
    for i in range(1, 31):
        ws.append([1000 + i, AREAS[i % 5], i % 3 + 1])      # numbers, as Excel stores them
    ws.append([None, None, None])                            # a blank row is skipped
    ws.append([2000, "North", 1])
    path = tmp_path / "crime.xlsx"
    wb.save(path)

    header, rows = preview_incident_list(path, max_rows=3)
    assert header == ["Log", "Area", "Priority"]
    assert rows == [(2, ["1001", "South", "2"]), (3, ["1002", "East", "3"]),
                    (4, ["1003", "West", "1"])]
    assert import_incident_list(db, audit, path, "Log") == 31
    refs = [r[0] for r in db.all("SELECT ref FROM incident WHERE audit_id = ? ORDER BY seq",
                                 (audit.id,))]
    assert refs[0] == "1001" and refs[-1] == "2000"


def test_preview_csv_names_blank_and_repeated_headers(tmp_path):
    path = write_csv(tmp_path / "odd.csv", [["1", "a", "b", "c"]], ["Ref", "", "Area", "Area"])
    header, rows = preview_incident_list(path)
    assert header == ["Ref", "column 2", "Area", "Area (2)"]
    assert rows == [(2, ["1", "a", "b", "c"])]


def test_reimport_replaces_the_list(db, listed, tmp_path):
    assert population_size(db, listed.id) == 1000
    import_incident_list(db, listed, write_csv(tmp_path / "june.csv", incident_rows(10)),
                         "Incident No")
    assert population_size(db, listed.id) == 10
    assert incident_list_info(db, listed.id)["source"] == "june.csv"


def test_missing_ref_column(db, audit, tmp_path):
    path = write_csv(tmp_path / "list.csv", incident_rows(3))
    with pytest.raises(ReviewerError) as err:
        import_incident_list(db, audit, path, "URN")
    assert err.value.problems == [f"{path}:1:URN: the ref column 'URN' is not in the header "
                                  "(columns: Incident No, Opened, Area, Closure code)"]


def test_blank_and_duplicate_refs_write_nothing(db, audit, tmp_path):
    rows = incident_rows(5)
    rows[1][0] = "  "
    rows[3][0] = "INC000001"
    path = write_csv(tmp_path / "list.csv", rows)
    with pytest.raises(ReviewerError) as err:
        import_incident_list(db, audit, path, "Incident No")
    assert err.value.problems == [
        f"{path}:3:Incident No: the ref is blank",
        f"{path}:5:Incident No: duplicate ref 'INC000001' (also in row 2)"]
    assert population_size(db, audit.id) == 0


def test_many_problems_are_capped(db, audit, tmp_path):
    path = write_csv(tmp_path / "list.csv", incident_rows(200))
    with pytest.raises(ReviewerError) as err:
        import_incident_list(db, audit, path, "Area")
    assert len(err.value.problems) == 51
    assert "more problems" in err.value.problems[-1]


def test_import_100000_rows(db, audit, tmp_path):
    path = write_csv(tmp_path / "big.csv", incident_rows(100_000))
    calls = []
    assert import_incident_list(db, audit, path, "Incident No",
                                progress=lambda i, n: calls.append((i, n))) == 100_000
    assert population_size(db, audit.id) == 100_000
    assert calls[-1] == (100_000, 100_000)
    assert db.scalar("SELECT COUNT(DISTINCT ref) FROM incident WHERE audit_id = ?",
                     (audit.id,)) == 100_000
    result = draw_sample(db, get_audit(db, audit.name), size=1000, seed=7, stratify_by="Area")
    assert result.added == 1000 and sum(result.strata.values()) == 1000


# -- drawing ----------------------------------------------------------------------------------
def test_same_seed_same_sample(tmp_path):
    from reviewer.store.db import Database

    path = write_csv(tmp_path / "list.csv", incident_rows(500))
    drawn = []
    for name, seed in (("a", 42), ("b", 42), ("c", 43)):
        db = Database(str(tmp_path / f"{name}.db"))
        audit = create_audit(db, "A", ASB_SET)
        import_incident_list(db, audit, path, "Incident No")
        result = draw_sample(db, audit, size=40, seed=seed)
        assert record_refs(db, audit.id) == result.refs
        drawn.append(result.refs)
        db.close()
    assert drawn[0] == drawn[1]
    assert drawn[0] != drawn[2]
    assert len(set(drawn[0])) == 40


def test_records_in_list_order_with_fields(db, listed):
    result = draw_sample(db, listed, size=25, seed=1)
    assert result.refs == sorted(result.refs)          # refs sort like list order here
    rows = db.all("SELECT seq, ref, fields FROM record WHERE audit_id = ? ORDER BY seq",
                  (listed.id,))
    assert [r[0] for r in rows] == list(range(1, 26))
    n = int(rows[0][1][3:])
    assert stored_fields(db, rows[0][1], listed.id)["Closure code"] == f"C{n % 5}"


def test_stratified_sizes_add_up_and_are_proportional(db, listed):
    result = draw_sample(db, listed, size=101, seed=5, stratify_by="Area")
    population = Counter("North" if i % 3 == 0 else AREAS[1 + i % 4] for i in range(1, 1001))
    assert sum(result.strata.values()) == 101 == len(result.refs)
    for value, n_h in result.strata.items():
        assert abs(n_h - 101 * population[value] / 1000) < 1
    areas = Counter(stored_fields(db, ref, listed.id)["Area"] for (ref,) in db.all(
        "SELECT ref FROM record WHERE audit_id = ?", (listed.id,)))
    assert dict(areas) == {k: v for k, v in result.strata.items() if v}
    again = draw_sample(db, listed, size=101, seed=5, stratify_by="Area")
    assert again.refs == result.refs and again.added == 0 and again.skipped == result.refs


def test_allocate_largest_remainder():
    assert allocate(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    assert allocate(5, {"big": 96, "small": 4}) == {"big": 5, "small": 0}
    assert allocate(7, {"x": 50, "y": 30, "z": 20}) == {"x": 4, "y": 2, "z": 1}


def test_percent_sizing(db, listed):
    assert draw_sample(db, listed, percent=10, seed=3).size == 100
    assert draw_sample(db, listed, percent=0.25, seed=3).size == 3   # 2.5 rounded up
    assert draw_sample(db, listed, percent=100, seed=3).size == 1000


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"size": 0}, "at least 1"),
    ({"size": 1001}, "larger than the incident list (1000 incidents)"),
    ({"percent": 0}, "more than 0 and at most 100"),
    ({"percent": 100.5}, "more than 0 and at most 100"),
    ({}, "either a sample size or a percentage"),
    ({"size": 5, "percent": 5}, "either a sample size or a percentage"),
    ({"size": 5, "stratify_by": "Beat"}, "no column 'Beat'"),
])
def test_bad_requests(db, listed, kwargs, message):
    with pytest.raises(ReviewerError, match=message.replace("(", r"\(").replace(")", r"\)")):
        draw_sample(db, listed, **kwargs)
    assert record_refs(db, listed.id) == []


def test_no_population(db, audit):
    with pytest.raises(ReviewerError, match="has no incident list"):
        draw_sample(db, audit, size=5)


def test_description_stored(db, listed):
    result = draw_sample(db, listed, size=60, stratify_by="Area")
    assert 0 <= result.seed < 10**6
    sample = get_audit(db, listed.name).sample
    assert sample == result.description
    assert {k: sample[k] for k in ("population", "size", "method", "stratify_by", "seed",
                                   "source", "added", "skipped")} == {
        "population": 1000, "size": 60, "method": "stratified (proportional)",
        "stratify_by": "Area", "seed": result.seed, "source": "list.csv", "added": 60,
        "skipped": 0}
    assert sample["strata"] == result.strata and sum(sample["strata_population"].values()) == 1000
    assert sample["drawn_at"][:2] == "20"
    assert "60 of 1,000 incidents from list.csv" in describe(sample)
    simple = draw_sample(db, listed, size=10, seed=9).description
    assert simple["method"] == "simple random" and "strata" not in simple


def test_existing_records_are_skipped(db, listed):
    first = draw_sample(db, listed, size=300, seed=1)
    second = draw_sample(db, listed, size=300, seed=2)
    assert set(second.skipped) == set(first.refs) & set(second.refs)
    assert second.added == 300 - len(second.skipped)
    assert len(record_refs(db, listed.id)) == 300 + second.added


# -- sample size ------------------------------------------------------------------------------
def test_suggest_sample_size():
    assert suggest_sample_size(0.5, 0.05) == 385          # 1.959964² / 4 / 0.05² = 384.15
    assert suggest_sample_size(0.5, 0.05, population=1000) == 278   # 384.15 / 1.38315 = 277.7
    assert suggest_sample_size(0.2, 0.05) == 246          # 3.8415 * 0.16 / 0.0025 = 245.9
    assert suggest_sample_size(0.5, 0.05, confidence=0.99) == 664   # 2.5758² / 0.01 = 663.5
    assert suggest_sample_size(0.5, 0.05, population=100) == 80     # 384.15 / 4.8315 = 79.5
    assert suggest_sample_size(0.5, 0.5, population=1) == 1
    with pytest.raises(ReviewerError):
        suggest_sample_size(0.5, 0)
    with pytest.raises(ReviewerError):
        suggest_sample_size(1.5, 0.05)


def test_summary_says_where_the_records_came_from():
    from reviewer.outputs.sample_text import summary

    assert summary({}, 0) == "no records yet"
    assert summary({}, 12) == "imported records"
    drawn = {"size": 100, "population": 4210, "method": "stratified", "seed": 42}
    assert summary(drawn, 100) == "100 of 4,210 (stratified, seed 42)"
