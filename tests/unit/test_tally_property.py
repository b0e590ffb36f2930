"""Property: for random question sets and random answer tables that respect the conditions, the
tally (imported through ``import_answers``) equals a naive count made here from the raw cells.

The condition semantics of docs/contracts.md §1 are re-implemented independently below: a question
whose condition fails is "not asked" and counts as n/a; while no condition fails but a parent has no
answer, the question is pending and counts as unanswered."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.figures import tally
from reviewer.outputs.tally_format import tally_dict
from reviewer.store.audits import get_audit
from reviewer.store.db import Database
from tests.actions import create_audit, import_answers
from tests.unit.helpers import write_csv

LABELS = ["Response", "CID", "None", "Other", "Age", "Too few", "Late", "Yes"]
TYPES = ["yes_no", "choice", "multi_choice", "text"]


@st.composite
def question_sets(draw) -> list[dict]:
    n = draw(st.integers(1, 6))
    questions: list[dict] = []
    for i in range(n):
        qtype = draw(st.sampled_from(TYPES))
        q: dict = {"id": str(i + 1), "text": f"Question {i + 1}", "type": qtype}
        if qtype in ("choice", "multi_choice"):
            q["choices"] = draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=4,
                                         unique=True))
        if draw(st.booleans()):
            q["na"] = False
        parents = [p for p in questions if p["type"] != "text"]
        if parents and draw(st.integers(0, 2)):
            chosen = draw(st.lists(st.sampled_from(parents), min_size=1, max_size=2,
                                   unique_by=lambda p: p["id"]))
            ask_if = {}
            for p in chosen:
                options = ["Y", "N"] if p["type"] == "yes_no" else p["choices"]
                ask_if[p["id"]] = draw(st.lists(st.sampled_from(options), min_size=1,
                                                unique=True))
            q["ask_if"] = ask_if
        questions.append(q)
    return questions


# -- the independent model ---------------------------------------------------------------------
ASKED, NOT_ASKED, PENDING = "asked", "not asked", "pending"


def status(q: dict, answers: dict[str, object]) -> str:
    """answers: question id -> None (blank), "n/a", a label, or a set of labels (multi)."""
    pending = False
    for parent, wanted in q.get("ask_if", {}).items():
        a = answers[parent]
        if a == "not asked" or a == "n/a":
            return NOT_ASKED
        if a is None:
            pending = True
        elif not (set(a) if isinstance(a, frozenset) else {a}) & set(wanted):
            return NOT_ASKED
    return PENDING if pending else ASKED


@st.composite
def answer_table(draw, questions: list[dict]) -> list[dict[str, object]]:
    """Records as question id -> intended answer ("not asked" for questions not asked)."""
    records = []
    for _ in range(draw(st.integers(0, 12))):
        answers: dict[str, object] = {}
        for q in questions:
            s = status(q, answers)
            if s == NOT_ASKED:
                answers[q["id"]] = "not asked"
                continue
            if s == PENDING:
                answers[q["id"]] = None
                continue
            options: list[object] = [None]
            if q.get("na", True):
                options.append("n/a")
            if q["type"] == "yes_no":
                options += ["Y", "N"]
            elif q["type"] == "choice":
                options += q["choices"]
            elif q["type"] == "text":
                options += ["some text", "None"]
            answer = draw(st.sampled_from(options))
            if q["type"] == "multi_choice" and draw(st.booleans()):
                answer = frozenset(draw(st.lists(st.sampled_from(q["choices"]), min_size=1,
                                                 unique=True)))
            elif q["type"] == "multi_choice" and answer is None and draw(st.booleans()):
                answer = frozenset([draw(st.sampled_from(q["choices"]))])
            answers[q["id"]] = answer
        records.append(answers)
    return records


def cell(draw, q: dict, answer: object) -> str:
    """The intended answer written as a person might: any case, padded, synonyms."""
    if answer is None:
        return draw(st.sampled_from(["", " "]))
    if answer == "not asked":
        return draw(st.sampled_from(["", "n/a", "NA"]))
    if answer == "n/a":
        return draw(st.sampled_from(["n/a", "N/A", "na", " NA "]))
    if q["type"] == "yes_no":
        words = {"Y": ["Y", "y", "Yes", "YES", " yes "], "N": ["N", "n", "No", "no "]}
        return draw(st.sampled_from(words[answer]))
    if isinstance(answer, frozenset):
        parts = draw(st.permutations(sorted(answer)))
        return draw(st.sampled_from([";", "; ", " ;"])).join(
            draw(st.sampled_from([p, p.upper(), p.lower()])) for p in parts)
    text = str(answer)
    if q["type"] == "text":
        return text
    return draw(st.sampled_from([text, text.upper(), text.lower(), f"  {text} "]))


def naive(questions: list[dict], records: list[dict[str, object]]) -> list[dict]:
    out = []
    for q in questions:
        t = {"id": q["id"], "na": 0, "unanswered": 0, "yes": 0, "no": 0, "answered": 0,
             "counts": dict.fromkeys(q.get("choices", []), 0)}
        for r in records:
            a = r[q["id"]]
            if a is None:
                t["unanswered"] += 1
            elif a in ("n/a", "not asked"):
                t["na"] += 1
            else:
                t["answered"] += 1
                chosen = a if isinstance(a, frozenset) else {a}
                if q["type"] == "yes_no":
                    t["yes" if a == "Y" else "no"] += 1
                for label in chosen:
                    if label in t["counts"]:
                        t["counts"][label] += 1
        entry = {"id": q["id"], "type": q["type"], "na": t["na"], "unanswered": t["unanswered"]}
        if q["type"] == "yes_no":
            entry.update(yes=t["yes"], no=t["no"], total=t["yes"] + t["no"])
        elif q["type"] == "text":
            entry["answered"] = t["answered"]
        else:
            entry.update(counts=t["counts"], total=t["answered"])
        out.append(entry)
    return out


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_tally_equals_a_naive_count(data):
    questions = data.draw(question_sets())
    records = data.draw(answer_table(questions))
    header = ["ref"] + [q["id"] for q in questions] + ["area"]
    rows = [[f"REF-{i}"] + [cell(data.draw, q, r[q["id"]]) for q in questions] + ["x"]
            for i, r in enumerate(records)]
    doc = {"id": "random-set", "title": "Random", "version": 1, "questions": questions}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        set_path = tmp_path / "set.yaml"
        set_path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        csv_path = write_csv(tmp_path / "answers.csv", header, rows)
        db = Database(str(tmp_path / "t.db"))
        # Both write paths: new records (inserted in SQL) and existing ones (merged).
        merged = data.draw(st.booleans(), "records made first, answers merged into them")
        try:
            audit = create_audit(db, "Random", set_path)
            if merged:
                refs = write_csv(tmp_path / "refs.csv", ["ref", "area"],
                                 [[row[0], "x"] for row in rows])
                import_answers(db, audit, refs, "tester")
            result = import_answers(db, audit, csv_path, "tester")
            assert result.new == (0 if merged else len(records))
            audit = get_audit(db, "Random")
            got = tally_dict(audit, tally(db, audit))
            assert audit.complete == sum(
                all(r[q["id"]] is not None for q in questions if q["type"] != "text")
                for r in records)
            # Importing the same file again updates every record and changes no figure.
            again = import_answers(db, audit, csv_path, "tester")
            assert (again.new, again.updated) == (0, len(records))
            assert tally_dict(audit, tally(db, audit)) == got
        finally:
            db.close()
    assert got["records"] == len(records)
    keys = ("id", "type", "yes", "no", "counts", "answered", "na", "unanswered", "total")
    shaped = [{k: q[k] for k in keys if k in q} for q in got["questions"]]
    assert shaped == naive(questions, records)
