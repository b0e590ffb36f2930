"""Blind double-scoring (docs/contracts.md §8): a calibration audit over records of a main audit,
and the lead's adjudication of the disagreements.

``create_calibration`` makes an audit over the same question set (the very version MAIN keeps)
holding copies of N records of MAIN — ref and fields, no answers, in MAIN's review order — drawn
with ``random.Random(seed).sample`` over MAIN's records in review order (the same seed gives the
same refs), or the refs listed in a file, one a line. A second reviewer scores it blind: it holds
no answer of MAIN's, and the app shows none while it is scored.

``adjudicate`` sets MAIN's answer to the one the lead picks (or keeps MAIN's), as an
``adjudicate`` event in MAIN's history, clearing follow-ups the pick stops from being asked.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from pathlib import Path

from reviewer.errors import ReviewerError, UsageError
from reviewer.ops.audits import create_audit
from reviewer.ops.core import OpResult, require_role, write
from reviewer.ops.scoring import (
    EMPTY_ROW,
    _load,
    _remember,
    _rows_for,
    _write,
    parse_answer,
)
from reviewer.questions import logic
from reviewer.questions.logic import history_label
from reviewer.questions.model import QuestionSet
from reviewer.store import answers, audits
from reviewer.store import records as record_rows
from reviewer.store.audits import AuditInfo, clean_name
from reviewer.store.history import Action
from reviewer.store.ids import next_id
from reviewer.workspace import Workspace


@dataclass
class Calibration:
    audit: AuditInfo
    main: str
    refs: list[str]
    seed: int | None


def read_refs(path: str | Path, known: set[str]) -> list[str]:
    """The refs listed in a file, one a line (blank lines skipped); an unknown or repeated ref
    is a ``FILE:LINE: message`` error."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise ReviewerError(f"{path}:1: cannot read the file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ReviewerError(f"{path}:1: the file is not UTF-8 text") from None
    refs: list[str] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        ref = line.strip()
        if not ref:
            continue
        if ref not in known:
            problems.append(f"{path}:{number}: '{ref}' is not a record of the main audit")
        elif ref in seen:
            problems.append(f"{path}:{number}: '{ref}' is listed twice (also line {seen[ref]})")
        else:
            seen[ref] = number
            refs.append(ref)
    if problems:
        raise ReviewerError(problems)
    if not refs:
        raise ReviewerError(f"{path}:1: the file lists no refs")
    return refs


def create_calibration(ws: Workspace, name: str, main_id: int, records: int | None = None,
                       seed: int | None = None,
                       refs_file: str | Path | None = None) -> OpResult[Calibration]:
    require_role(ws, "lead", "making a calibration audit")
    if (records is None) == (refs_file is None):
        raise UsageError("--calibrate needs either --records N or --refs FILE")
    main = ws.audit_by_id(main_id)
    name = clean_name(name)
    all_refs = record_rows.refs(ws.db, main_id)
    if refs_file is not None:
        chosen = set(read_refs(refs_file, set(all_refs)))
    else:
        if records is None or records < 1:
            raise UsageError("--records must be at least 1")
        if records > len(all_refs):
            raise ReviewerError(f"'{main.name}' has {len(all_refs)} records; cannot draw "
                                f"{records}")
        seed = secrets.randbelow(10**6) if seed is None else seed
        chosen = set(random.Random(seed).sample(all_refs, records))
    refs = [r for r in all_refs if r in chosen]
    qs = ws.question_set(main)
    source = audits.question_set_source(ws.db, main.question_set_id)
    how = f"seed {seed}" if refs_file is None else f"refs from {Path(refs_file).name}"
    with ws.db.transaction():
        created = create_audit(ws, name, source[1], f"Blind double-scoring of {len(refs)} "
                               f"records of '{main.name}' ({how}).", calibrates=main_id,
                               qs_source=(qs, source[0], source[1]))
        made = created.value
        with write(ws, made.id, what="a calibration") as tx:
            first = next_id(tx.db, "record")
            copies = [(ref, fields) for _, ref, fields in record_rows.id_fields(tx.db, main_id)
                      if ref in chosen]
            record_rows.insert(tx.db, made.id, [(first + k, k + 1, ref, fields, False)
                                                for k, (ref, fields) in enumerate(copies)])
            tx.event(Action.CALIBRATE, detail=f"{len(refs)} records of '{main.name}' ({how}), "
                                         "to be scored blind")
        with write(ws, main_id, "meta") as main_tx:
            main_tx.event(Action.CALIBRATE, detail=f"calibration audit '{name}' made with "
                                              f"{len(refs)} of its records ({how})")
    result = Calibration(ws.audit_by_id(made.id), main.name, refs, seed)
    return OpResult(result, created.changes.merge(tx.changes).merge(main_tx.changes),
                    f"created calibration audit '{name}' with {len(refs)} records of "
                    f"'{main.name}' ({how})")


MAX_SCORERS = 20


def scorer_names(text: str) -> list[str]:
    """``a,b,c`` -> the team's names (each makes ``NAME (a)``...); blank or repeated names, or
    more than MAX_SCORERS of them, are a usage error."""
    names = [n.strip() for n in text.split(",")]
    if any(not n for n in names):
        raise UsageError("--scorers needs names separated by commas, e.g. --scorers alice,bob")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise UsageError(f"--scorers names {', '.join(repeated)} more than once")
    if len(names) > MAX_SCORERS:
        raise UsageError(f"--scorers names {len(names)} people; a calibration session takes at "
                         f"most {MAX_SCORERS}")
    return names


def create_team_calibration(ws: Workspace, name: str, main_id: int, scorers: list[str],
                            records: int | None = None, seed: int | None = None,
                            refs_file: str | Path | None = None
                            ) -> OpResult[list[Calibration]]:
    """One blind copy per scorer, ``NAME (scorer)``, all over the same records
    (docs/contracts.md §13), in one transaction: all are made or none."""
    if records is not None and refs_file is None and seed is None:
        seed = secrets.randbelow(10**6)
    made: list[Calibration] = []
    with ws.db.transaction():
        for scorer in scorers:
            done = create_calibration(ws, f"{clean_name(name)} ({scorer})", main_id, records,
                                      seed, refs_file)
            made.append(done.value)
    first = made[0]
    return OpResult(made, done.changes,
                    f"created {len(made)} calibration audits ("
                    + ", ".join(f"'{c.audit.name}'" for c in made)
                    + f") with the same {len(first.refs)} records of '{first.main}'")


def adjudicate(ws: Workspace, main_id: int, qs: QuestionSet, ref: str, qid: str,
               answer: str | None, source: str) -> OpResult[str | None]:
    """Set MAIN's answer to question ``qid`` of record ``ref`` to ``answer`` (a typed value;
    None keeps MAIN's). ``source`` says whose answer was picked, for the history."""
    require_role(ws, "lead", "adjudicating")
    q = qs.by_id.get(qid)
    if q is None:
        raise ReviewerError(f"question set has no question '{qid}'")
    with write(ws, main_id, what="adjudication") as tx:
        rid = record_rows.record_id(tx.db, main_id, ref)
        if rid is None:
            raise ReviewerError(f"'{tx.audit.name}' has no record '{ref}'")
        view = _load(tx, qs, rid)
        old = view.rows.get(qid, EMPTY_ROW)
        before = history_label(*view.states[qid])
        if answer is None:
            tx.event(Action.ADJUDICATE, ref, qid, before, before, f"kept {tx.audit.name}'s answer")
            _remember(tx, view, qid, {qid: old}, {qid: old})     # Ctrl+Z takes it back too
            return OpResult(before, tx.changes, f"kept {before or '(blank)'} for {ref}, {qid}")
        parsed = parse_answer(q, answer)
        given = {k: (r[0], r[1]) for k, r in view.rows.items()}
        given[qid] = parsed
        states, problems = logic.evaluate(qs, given)
        mine = [m for k, m in problems if k == qid]
        if mine:
            raise ReviewerError(mine[0])
        seq = tx.event(Action.ADJUDICATE, ref, qid, history_label(old[0], old[1]),
                       history_label(*parsed), f"picked {source}")
        new_rows = _rows_for(view, states, tx.reviewer, tx.now)
        cleared = _write(tx, view, new_rows, {qid: seq})
        if cleared:            # undone by ``scoring.undo_last`` (Ctrl+Z), a history event
            _remember(tx, view, qid, cleared, new_rows)
        for k, row in cleared.items():
            if k != qid and row[0] in (logic.ANSWERED, logic.NA):
                tx.event(Action.ADJUDICATE, ref, k, history_label(row[0], row[1]), None,
                         f"condition: question {qid} adjudicated {history_label(*parsed)}")
        final = ws.record(qs, rid)
        answers.set_complete(tx.db, rid, final.complete(qs))
    return OpResult(history_label(*parsed), tx.changes,
                    f"set {ref}, question {qid} to {history_label(*parsed) or '(blank)'}")
