"""``reviewer tally --by FIELD``: the groups' figures add up to the overall tally."""

from __future__ import annotations

import json

import pytest

COUNTED = ("yes", "no", "na", "unanswered", "total", "answered")


def run_json(capsys, db_path, *args: str) -> dict:
    from reviewer.cli.main import main

    assert main(["--db", str(db_path), "tally", "BTP ASB 2012", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("field", ["operator", "area", "channel", "audio", "date",
                                   "no-such-field"])
def test_groups_add_up_to_the_overall_tally(capsys, db_path, demo_audit, field):
    doc = run_json(capsys, db_path, "--by", field)
    assert doc["by"] == field
    groups = doc["groups"]
    assert sum(g["records"] for g in groups) == doc["records"] == 100
    assert len({g["value"] for g in groups}) == len(groups)
    for i, overall in enumerate(doc["questions"]):
        parts = [g["questions"][i] for g in groups]
        assert all(p["id"] == overall["id"] for p in parts)
        for key in COUNTED:
            if key in overall:
                assert sum(p[key] for p in parts) == overall[key], (field, overall["id"], key)
        for choice, n in overall.get("counts", {}).items():
            assert sum(p["counts"][choice] for p in parts) == n, (field, overall["id"], choice)
    if field == "no-such-field":                     # blank everywhere: one group, ""
        assert [g["value"] for g in groups] == [""]


def test_grouped_json_keeps_the_overall_shape(capsys, db_path, demo_audit):
    plain = run_json(capsys, db_path)
    grouped = run_json(capsys, db_path, "--by", "operator")
    assert {k: grouped[k] for k in plain} == plain


@pytest.mark.parametrize("field", ["operator", "date", "area"])
def test_both_ways_of_counting_groups_agree(db, demo_audit, monkeypatch, field):
    """Few groups are counted side by side, many are sorted: the figures are the same."""
    from reviewer.analysis import tally

    def grouped(limit: int):
        monkeypatch.setattr(tally, "SUMS_UP_TO", limit)
        return [(g, [q.to_dict() for q in t.questions], t.records)
                for g, t in tally.tally_by(db, demo_audit, field)]

    assert grouped(0) == grouped(1000)
