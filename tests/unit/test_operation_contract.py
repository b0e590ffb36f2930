"""The operation contract (docs/operations.md): every operation appends exactly the history
events of its action, and the changes it returns are derived from them — the one table
``store.history.CHANGES`` — and from the records whose answers the store wrote. Every operation
runs here on a real SQLite file, each from the same starting point.

Also: the action strings are the history's (docs/contracts.md §6) and the sign-off rule is one
rule with one wording, whichever operation meets it."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reviewer.ops import (
    audits,
    calibrate,
    disclose,
    importer,
    listening,
    plans,
    sampling,
    scoring,
    team,
    weights,
)
from reviewer.ops.core import Changes, OpResult, Refused
from reviewer.questions.logic import ANSWERED
from reviewer.store.db import Database
from reviewer.store.history import CHANGES, Action
from reviewer.workspace import Workspace
from tests.actions import actions, check_contract
from tests.conftest import ASB_SET, DEMO_CSV, ROOT

PLAN = ROOT / "data" / "asb-improvement-plan-2012.csv"
LATER_CSV = ROOT / "data" / "demo-asb-2013.csv"


@dataclass
class World:
    ws: Workspace
    main: Any
    tmp: Path
    qs: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def rid(self, n: int = 0) -> int:
        return self.ws.records_page(self.main.id, n, 1)[0].id

    def with_follow_up(self) -> int:
        """A record whose question 2 is Y and whose follow-up 2a is answered."""
        for row in self.ws.records_page(self.main.id, 0, 200):
            view = self.ws.record(self.qs, row.id)
            if view.states["2"] == (ANSWERED, "Y") and view.states["2a"][0] == ANSWERED:
                return row.id
        raise AssertionError("the demo data has no record with question 2a answered")


@pytest.fixture(scope="module")
def start(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starting database: the demo audit imported, once for the module."""
    path = tmp_path_factory.mktemp("start") / "start.db"
    db = Database(str(path))
    ws = Workspace(db, "lead")
    main = audits.create_audit(ws, "Main", ASB_SET).value
    importer.import_answers(ws, main.id, DEMO_CSV)
    db.close()
    return path


@pytest.fixture()
def world(start: Path, tmp_path: Path):
    path = tmp_path / "w.db"
    shutil.copy(start, path)
    db = Database(str(path))
    ws = Workspace(db, "lead")
    main = ws.audit("Main")
    yield World(ws, main, tmp_path, ws.question_set(main))
    db.close()


def _incidents(w: World) -> Path:
    path = w.tmp / "incidents.csv"
    path.write_text("incident,area\n" + "".join(f"S-{i},{'North' if i % 2 else 'South'}\n"
                                                for i in range(1, 41)), encoding="utf-8")
    return path


def _recordings(w: World) -> Path:
    folder = w.tmp / "audio"
    folder.mkdir()
    for row in w.ws.records_page(w.main.id, 0, 3):
        (folder / f"{row.ref}.wav").write_bytes(b"RIFF")
    return folder


def _calibration(w: World) -> Any:
    return calibrate.create_calibration(w.ws, "Cal", w.main.id, records=5, seed=1).value.audit


def _later_audits(w: World) -> Any:
    for name in ("Later", "Latest"):
        audit = audits.create_audit(w.ws, name, ASB_SET).value
        importer.import_answers(w.ws, audit.id, LATER_CSV)
    return w.ws.compare([w.main, w.ws.audit("Later"), w.ws.audit("Latest")])


def _plan_status(w: World) -> Any:
    plans.import_plan(w.ws, "ASB plan", PLAN)
    later = audits.create_audit(w.ws, "Later", ASB_SET).value
    importer.import_answers(w.ws, later.id, LATER_CSV)
    return w.ws.plan_status(w.ws.plan("ASB plan"), [w.main, w.ws.audit("Later")])


def _changed_file(w: World) -> Path:
    """The demo table's first three records again, the first one's answer to question 1
    changed."""
    lines = DEMO_CSV.read_text(encoding="utf-8").splitlines()[:4]
    header, first = lines[0].split(","), lines[1].split(",")
    q1 = header.index("1")
    first[q1] = "N" if first[q1] == "Y" else "Y"
    path = w.tmp / "changed.csv"
    path.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    return path


def _population(w: World) -> Path:
    areas = {row.fields["area"] for row in w.ws.records_page(w.main.id, 0, 500)}
    path = w.tmp / "population.csv"
    path.write_text("stratum,population\n" + "".join(f"{a},{1000 + 100 * i}\n"
                                                     for i, a in enumerate(sorted(areas))))
    return path


def _score(w: World, _: Any) -> tuple[OpResult, int]:
    return scoring.score(w.ws, w.main.id, w.qs, rid := w.rid(), "1", "N"), rid


def _note(w: World, _: Any) -> tuple[OpResult, int]:
    return scoring.set_note(w.ws, w.main.id, w.qs, rid := w.rid(), "1", "checked"), rid


def _clear(w: World, _: Any) -> tuple[OpResult, int]:
    rid = w.with_follow_up()
    return scoring.score(w.ws, w.main.id, w.qs, rid, "2", "N"), rid


def _adjudicate(w: World, cal: Any) -> tuple[OpResult, int]:
    row = w.ws.records_page(cal.id, 0, 1)[0]
    rid = w.ws.find_ref(w.main.id, row.ref)
    return calibrate.adjudicate(w.ws, w.main.id, w.qs, row.ref, "1", "N", "Cal"), rid


ANSWERS = "answers of the record"       # changes.answers == {the record}
ALL = "all answers"                     # changes.all_answers
AUDITS, RECORDS, PLANS = "audit_list", "records", "plans"
Setup = Callable[[World], Any] | None
Run = Callable[[World, Any], Any]

# name: (set-up, the operation, the events it appends, what its changes say besides history)
OPERATIONS: dict[str, tuple[Setup, Run, Counter[str], set[str]]] = {
    "create": (None, lambda w, _: audits.create_audit(w.ws, "New", ASB_SET),
               Counter(create=1), {AUDITS}),
    "rename": (None, lambda w, _: audits.rename_audit(w.ws, w.main.id, "Renamed"),
               Counter(rename=1), {AUDITS}),
    "archive": (None, lambda w, _: audits.archive_audit(w.ws, w.main.id),
                Counter(archive=1), {AUDITS}),
    "import": (lambda w: audits.create_audit(w.ws, "Fresh", ASB_SET).value,
               lambda w, fresh: importer.import_answers(w.ws, fresh.id, DEMO_CSV),
               Counter({"import": 1}), {AUDITS, RECORDS, ALL}),
    "reimport": (_changed_file, lambda w, path: importer.import_answers(w.ws, w.main.id, path),
                 Counter({"import": 1, "answer": 1}), {AUDITS, RECORDS, ALL}),
    "score": (None, _score, Counter(answer=1), {ANSWERS}),
    "note": (None, _note, Counter(note=1), {ANSWERS}),
    "undo": (lambda w: _score(w, None),
             lambda w, _: (scoring.undo_last(w.ws, w.main.id, w.qs), w.rid()),
             Counter(undo=1), {ANSWERS}),
    "condition clear": (None, _clear, Counter(answer=3), {ANSWERS}),
    "incident list": (_incidents, lambda w, path: sampling.import_incident_list(
        w.ws, w.main.id, path, "incident"), Counter({"incident-list": 1}), {AUDITS}),
    "sample": (lambda w: sampling.import_incident_list(w.ws, w.main.id, _incidents(w),
                                                       "incident"),
               lambda w, _: sampling.draw_sample(w.ws, w.main.id, size=8, seed=7),
               Counter(sample=1), {AUDITS, RECORDS}),
    "link recordings": (_recordings, lambda w, folder: sampling.link_recordings(
        w.ws, w.main.id, folder), Counter({"link-recordings": 1}), {RECORDS}),
    "link transcripts": (None, lambda w, _: listening.link_transcripts(w.ws, w.main.id,
                                                                       ROOT / "data" / "audio"),
                         Counter({"link-transcripts": 1}), {RECORDS}),
    "assign": (None, lambda w, _: team.assign(w.ws, w.main.id, ["ann", "bob"], seed=3),
               Counter(assign=100), {AUDITS, RECORDS}),
    "sign-off": (None, lambda w, _: team.sign_off(w.ws, w.main.id), Counter({"sign-off": 1}),
                 {AUDITS}),
    "reopen": (lambda w: team.sign_off(w.ws, w.main.id),
               lambda w, _: team.reopen(w.ws, w.main.id, "a late correction"),
               Counter(reopen=1), {AUDITS}),
    "calibrate": (None, lambda w, _: calibrate.create_calibration(w.ws, "Cal", w.main.id,
                                                                  records=5, seed=1),
                  Counter(create=1, calibrate=2), {AUDITS, RECORDS}),
    "adjudicate": (_calibration, _adjudicate, Counter(adjudicate=1), {ANSWERS}),
    "population": (_population, lambda w, path: weights.set_population(w.ws, w.main.id, path,
                                                                        "area"),
                   Counter(population=1), {AUDITS}),
    "plan import": (None, lambda w, _: plans.import_plan(w.ws, "ASB plan", PLAN), Counter(),
                    {PLANS}),
    "disclose answers": (None, lambda w, _: disclose.write_answers(w.ws, w.main.id,
                                                                   w.tmp / "a.csv"),
                         Counter(export=1), set()),
    "disclose report": (None, lambda w, _: disclose.write_report(w.ws, w.main.id,
                                                                 w.tmp / "r.pdf"),
                        Counter(export=1), set()),
    "disclose results": (None, lambda w, _: disclose.write_results(w.ws, w.main.id,
                                                                   w.tmp / "r.xlsx"),
                         Counter(export=1), set()),
    "disclose feedback": (None, lambda w, _: disclose.write_feedback(w.ws, w.main.id,
                                                                     "operator",
                                                                     w.tmp / "f.xlsx"),
                          Counter(export=1), set()),
    "disclose comparison chart": (_later_audits, lambda w, c: disclose.write_comparison_chart(
        w.ws, c, w.tmp / "trend.png"), Counter(export=3), set()),
    "disclose plan report": (_plan_status, lambda w, status: disclose.write_plan_report(
        w.ws, status, w.tmp / "plan.xlsx", ".xlsx"), Counter(export=2), set()),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_operation_keeps_the_contract(world: World, name: str) -> None:
    setup, run, expected, says = OPERATIONS[name]
    made = setup(world) if setup is not None else None
    before = actions(world.ws.db)
    out = run(world, made)
    result, rid = out if isinstance(out, tuple) else (out, None)
    assert isinstance(result, OpResult)
    appended = actions(world.ws.db) - before
    assert appended == +expected, (name, appended)          # the events of its action, all
    check_contract(result, appended)                        # its changes are theirs
    changes: Changes = result.changes
    for flag in (AUDITS, RECORDS, PLANS):
        assert getattr(changes, flag) == (flag in says), (name, flag, changes)
    assert changes.all_answers == (ALL in says), (name, changes)
    if ANSWERS in says:
        assert changes.answers == {rid}, (name, changes)
    elif ALL not in says:
        assert changes.answers == set(), (name, changes)


def test_the_actions_are_the_history_strings() -> None:
    assert [a.value for a in Action] == [
        "create", "answer", "note", "import", "undo", "adjudicate", "sample",
        "link-recordings", "rename", "archive", "assign", "calibrate", "sign-off", "reopen",
        "export", "incident-list", "population", "link-transcripts", "transcribe", "upgrade",
        "view", "policy", "retention", "dispose", "grant", "revoke"]
    assert set(CHANGES) == set(Action)


def test_one_sign_off_rule_with_one_wording(world: World) -> None:
    team.sign_off(world.ws, world.main.id)
    messages = []
    for attempt in (lambda: scoring.score(world.ws, world.main.id, world.qs, world.rid(), "1",
                                          "N"),
                    lambda: importer.import_answers(world.ws, world.main.id, DEMO_CSV),
                    lambda: team.assign(world.ws, world.main.id, ["ann"])):
        with pytest.raises(Refused) as refused:
            attempt()
        messages.append(str(refused.value))
    shapes = {m.split(":")[0] + m.split(":", 1)[1].split(" is refused")[1] for m in messages}
    assert len(shapes) == 1, messages
    assert all("was signed off by lead on" in m and "is refused and nothing was written" in m
               for m in messages)
