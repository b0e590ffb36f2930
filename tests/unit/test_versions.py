"""Question versions (docs/contracts.md §13): the loader's same_as/why keys, the wording that pairs
a question across audits, and agreement between audits of two versions of a set."""

from __future__ import annotations

import json

import pytest

from reviewer.analysis.versions import digest, link
from reviewer.questions.model import Question
from tests.unit.helpers import run_cli, write_csv, write_set

V1 = """\
id: v-test
title: Versions
version: 1
questions:
  - id: "1"
    text: Were repeat calls checked?
    type: yes_no
  - id: "2"
    text: Was it logged?
    type: yes_no
  - id: "3"
    text: Allocated to?
    type: choice
    choices: [Response, CID]
"""
V2 = V1.replace("version: 1", "version: 2").replace(
    "Were repeat calls checked?", "Were repeat calls checked, unprompted?"
).replace("Was it logged?", 'Was the incident logged?\n    same_as: "2"\n    why: plainer')


def test_wording_covers_text_choices_conditions_target_and_direction():
    q = Question("1", "Asked?", "yes_no", target=0.7)
    assert link(q, q).comparable and digest(q) == digest(Question("1", "Asked? ", "yes_no",
                                                                  target=0.7))
    for other in (Question("1", "Asked again?", "yes_no", target=0.7),
                  Question("1", "Asked?", "yes_no", target=0.8),
                  Question("1", "Asked?", "yes_no", target=0.7, direction="lower"),
                  Question("1", "Asked?", "yes_no", target=0.7, ask_if=(("0", ("Y",)),))):
        assert not link(q, other).comparable and link(q, other).why == "wording changed"
    c = Question("3", "Who?", "choice", choices=("A", "B"))
    assert not link(c, Question("3", "Who?", "choice", choices=("A", "B", "C"))).comparable


def test_loader_reads_same_as_with_why(tmp_path):
    from reviewer.questions.loader import load_file

    qs = load_file(write_set(tmp_path, V2))
    assert (qs.by_id["2"].same_as, qs.by_id["2"].same_as_why) == ("2", "plainer")
    assert qs.by_id["1"].same_as == ""
    # Sets without same_as keep their stored form (and digest).
    assert "same_as" not in load_file(write_set(tmp_path, V1, "v1.yaml")).to_json()


@pytest.mark.parametrize("extra, words", [
    ('    same_as: "2"\n', "without 'why'"),
    ("    why: because\n", "'why' without 'same_as'"),
])
def test_same_as_and_why_go_together(tmp_path, capsys, extra, words):
    text = V1.replace("    text: Was it logged?\n", "    text: Was it logged?\n" + extra)
    path = write_set(tmp_path, text)
    code, _, err = run_cli(capsys, "sets", "validate", str(path))
    assert code == 1 and words in err and err.startswith(f"{path}:")


def test_agreement_across_versions_pairs_only_the_same_questions(tmp_path, capsys, db_path):
    def cli(*argv):
        return run_cli(capsys, "--db", str(db_path), "--reviewer", "lead", *argv)

    for name, text, file in (("A", V1, "v1.yaml"), ("B", V2, "v2.yaml")):
        assert cli("audit", "create", name, "--set", str(write_set(tmp_path, text, file)))[0] == 0
        rows = [[f"R{i}", "Y" if i % 3 else "N", "Y" if i % 4 else "N", "CID"]
                for i in range(12)]
        cli("answers", "import", name, str(write_csv(tmp_path / f"{name}.csv",
                                                     ["ref", "1", "2", "3"], rows)))
    code, out, err = cli("agreement", "A", "B", "--format", "json")
    assert code == 0, err
    by_id = {q["id"]: q for q in json.loads(out)["questions"]}
    assert by_id["1"]["comparable"] is False and by_id["1"]["why"] == "wording changed"
    assert by_id["1"]["kappa"] is None and by_id["1"]["compared"] == 0
    assert [w["text"] for w in by_id["1"]["wordings"]] == [
        "Were repeat calls checked?", "Were repeat calls checked, unprompted?"]
    assert by_id["2"]["comparable"] is True and by_id["2"]["why"] == "plainer"
    assert by_id["2"]["agreement"] == 1.0
    code, text, _ = cli("agreement", "A", "B")
    assert "not comparable: wording changed" in text
