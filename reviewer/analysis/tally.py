"""The tally engine: Y | N | Total per question, breakdowns per choice, counted by the database.

One ``GROUP BY question_id, state, value`` over the audit's answers (covered by the
``ix_answer_tally`` index); Python only shapes the few hundred resulting rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from reviewer.questions.logic import ANSWERED, MULTI_SEP, NA, NOT_ASKED, UNANSWERED
from reviewer.questions.model import Question, QuestionSet
from reviewer.store.audits import AuditInfo, question_set
from reviewer.store.db import Database


@dataclass
class QuestionTally:
    question: Question
    yes: int = 0
    no: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    answered: int = 0          # records with an answer (not n/a, not blank)
    na: int = 0                # n/a given + not asked
    unanswered: int = 0

    @property
    def total(self) -> int:
        return self.yes + self.no if self.question.type == "yes_no" else self.answered

    def to_dict(self) -> dict[str, Any]:
        q = self.question
        d: dict[str, Any] = {"id": q.id, "type": q.type, "section": q.section or None,
                             "text": q.text, "ref": q.ref or None}
        if q.type == "yes_no":
            d.update(yes=self.yes, no=self.no)
        elif q.type == "text":
            d["answered"] = self.answered
        else:
            d["label"] = q.label or None
            d["counts"] = dict(self.counts)
        d.update(na=self.na, unanswered=self.unanswered)
        if q.type != "text":
            d["total"] = self.total
        if q.target is not None:
            d.update(target=q.target, direction=q.direction, target_status=self.target_status)
        return d

    @property
    def target_status(self) -> str | None:
        """met / not met / inconclusive for a question with a target (docs/contracts.md §9),
        else None."""
        q = self.question
        if q.target is None:
            return None
        from reviewer.analysis.targets import target_status

        return target_status(self.yes, self.total, q.target, q.direction)


@dataclass
class Tally:
    qset: QuestionSet
    records: int
    questions: list[QuestionTally]

    def by_id(self) -> dict[str, QuestionTally]:
        return {t.question.id: t for t in self.questions}


def _build(qs: QuestionSet, records: int, rows: list[tuple]) -> Tally:
    tallies = {q.id: QuestionTally(q, counts={c: 0 for c in q.choices}) for q in qs.questions}
    seen: dict[str, int] = defaultdict(int)
    for qid, state, value, n in rows:
        t = tallies.get(qid)
        if t is None:
            continue
        if state == UNANSWERED:       # a note on a blank answer: still unanswered
            continue
        seen[qid] += n
        if state in (NA, NOT_ASKED):
            t.na += n
            continue
        t.answered += n
        if t.question.type == "yes_no":
            if value == "Y":
                t.yes += n
            else:
                t.no += n
        elif t.question.type != "text":
            for label in (value or "").split(MULTI_SEP):
                if label in t.counts:
                    t.counts[label] += n
    for qid, t in tallies.items():
        t.unanswered = records - seen[qid]
    return Tally(qs, records, list(tallies.values()))


def tally(db: Database, audit: AuditInfo, qs: QuestionSet | None = None) -> Tally:
    qs = qs or question_set(db, audit)
    records = db.scalar("SELECT COUNT(*) FROM record WHERE audit_id = ?", (audit.id,))
    rows = db.all("SELECT question_id, state, value, COUNT(*) FROM answer WHERE audit_id = ? "
                  "GROUP BY question_id, state, value", (audit.id,))
    return _build(qs, records, rows)


def tally_by(db: Database, audit: AuditInfo, by: str,
             qs: QuestionSet | None = None) -> list[tuple[str, Tally]]:
    """One tally per value of the record field ``by`` (blank values grouped as "")."""
    return tally_grouped(db, audit, by, qs)[1]


def tally_grouped(db: Database, audit: AuditInfo, by: str, qs: QuestionSet | None = None
                  ) -> tuple[Tally, list[tuple[str, Tally]]]:
    """The whole audit's tally and one per value of ``by``, from one pass over the answers:
    every record is in exactly one group, so the groups' counts add up to the whole."""
    qs = qs or question_set(db, audit)
    counts, rows = (_by_sqlite if db.dialect == "sqlite" else _by_server)(db, audit, by)
    grouped: dict[str, list[tuple]] = defaultdict(list)
    whole: dict[tuple, int] = defaultdict(int)
    for g, qid, state, value, n in rows:
        grouped[_group(g)].append((qid, state, value, n))
        whole[qid, state, value] += n
    records: dict[str, int] = defaultdict(int)
    for g, n in counts:
        records[_group(g)] += n
    overall = _build(qs, sum(records.values()), [(*k, n) for k, n in whole.items()])
    return overall, [(g, _build(qs, records[g], grouped[g]))
                     for g in sorted(records, key=_natural)]


SUM_COLUMNS = 16    # groups counted side by side in one pass, packed several to a column


def _by_sqlite(db: Database, audit: AuditInfo, by: str) -> tuple[list[tuple], list[tuple]]:
    """(group, records) and (group, question, state, value, n) rows. The field is read once
    per record into a temporary table of group codes. With few groups, one pass over the
    tally index counts them side by side (no sort of the answers): each record carries a
    weight ``1 << (slot * bits)``, so one SUM counts several groups at once in fields of
    ``bits`` bits — no count can exceed the number of records, so fields never carry."""
    key = db.json_field("r.fields")
    db.execute("DROP TABLE IF EXISTS temp.by_value")
    db.execute("DROP TABLE IF EXISTS temp.by_record")
    db.execute("CREATE TEMP TABLE by_value (code INTEGER PRIMARY KEY, v UNIQUE)")
    db.execute(f"INSERT OR IGNORE INTO temp.by_value (v) SELECT DISTINCT {key} FROM record r "
               "WHERE r.audit_id = ?", (by, audit.id))
    values = dict(db.all("SELECT code - 1, v FROM temp.by_value"))      # codes from 0
    total = int(db.scalar("SELECT COUNT(*) FROM record WHERE audit_id = ?", (audit.id,)))
    bits = max(total.bit_length(), 1)
    per = max(62 // bits, 1)                    # groups per 63-bit signed sum
    columns = -(-len(values) // per)
    packed = 0 < columns <= SUM_COLUMNS
    weights = "".join(f", CASE WHEN (v.code - 1) / {per} = {c} "
                      f"THEN 1 << (((v.code - 1) % {per}) * {bits}) ELSE 0 END"
                      for c in range(columns)) if packed else ""
    db.execute("CREATE TEMP TABLE by_record (id INTEGER PRIMARY KEY, g INTEGER"
               + "".join(f", w{c} INTEGER" for c in range(columns if packed else 0)) + ")")
    db.execute(f"INSERT INTO temp.by_record SELECT r.id, v.code - 1{weights} FROM record r "
               f"JOIN temp.by_value v ON v.v IS {key} WHERE r.audit_id = ?", (by, audit.id))
    counts = [(values[code], n) for code, n in
              db.all("SELECT g, COUNT(*) FROM temp.by_record GROUP BY g")]
    join = ("FROM answer a JOIN temp.by_record t ON t.id = a.record_id WHERE a.audit_id = ? ")
    rows = []
    if packed:
        mask = (1 << bits) - 1
        sums = ", ".join(f"SUM(t.w{c})" for c in range(columns))
        for qid, state, value, *ns in db.all(
                f"SELECT a.question_id, a.state, a.value, {sums} {join}"
                "GROUP BY a.question_id, a.state, a.value", (audit.id,)):
            for code, v in values.items():
                n = (ns[code // per] >> ((code % per) * bits)) & mask
                if n:
                    rows.append((v, qid, state, value, n))
    elif values:
        rows = [(values[g], qid, state, value, n) for qid, state, value, g, n in db.all(
            f"SELECT a.question_id, a.state, a.value, t.g, COUNT(*) {join}"
            "GROUP BY a.question_id, a.state, a.value, t.g", (audit.id,))]
    db.execute("DROP TABLE temp.by_record")
    db.execute("DROP TABLE temp.by_value")
    return counts, rows


def _by_server(db: Database, audit: AuditInfo, by: str) -> tuple[list[tuple], list[tuple]]:
    """The same on PostgreSQL, whose hash aggregation needs no help: the field read once per
    record (a materialised CTE)."""
    key = db.json_field("r.fields")
    groups = f"WITH g AS MATERIALIZED (SELECT r.id AS id, {key} AS g FROM record r " \
             "WHERE r.audit_id = ?) "
    counts = db.all(groups + "SELECT g, COUNT(*) FROM g GROUP BY g", (by, audit.id))
    rows = db.all(groups + "SELECT g.g, a.question_id, a.state, a.value, COUNT(*) "
                  "FROM answer a JOIN g ON g.id = a.record_id WHERE a.audit_id = ? "
                  "GROUP BY g.g, a.question_id, a.state, a.value", (by, audit.id, audit.id))
    return counts, rows


def field_names(db: Database, audit: AuditInfo) -> list[str]:
    """The record fields of an audit (from a sample of its records), for "group by" choices."""
    import json

    names: dict[str, None] = {}
    for (fields,) in db.all("SELECT fields FROM record WHERE audit_id = ? ORDER BY seq LIMIT 500",
                            (audit.id,)):
        names.update(dict.fromkeys(json.loads(fields or "{}")))
    return list(names)


def _group(value: Any) -> str:
    return "" if value is None else str(value)


def _natural(value: str) -> tuple:
    return (value == "", value.casefold())


def records_behind(db: Database, audit: AuditInfo, qid: str, answer: str,
                   by: str | None = None, value: str | None = None) -> list[tuple[int, str]]:
    """(record id, ref) of the records behind one figure: ``answer`` is ``Y``, ``N``, a choice
    label, ``n/a``, ``unanswered`` or ``total``; with ``by``, only the records whose field
    ``by`` has ``value`` (a group of ``tally_by``, blank as "")."""
    cols = "r.id, r.ref" + (f", {db.json_field('r.fields')}" if by is not None else "")
    base = (f"SELECT {cols} FROM record r JOIN answer a ON a.record_id = r.id "
            "AND a.question_id = ? WHERE r.audit_id = ? ")
    params: list[Any] = [qid, audit.id]
    if answer == "n/a":
        sql = base + "AND a.state IN (?, ?)"
        params += [NA, NOT_ASKED]
    elif answer == "total":
        sql = base + "AND a.state = ?"
        params += [ANSWERED]
    elif answer == "unanswered":
        sql = (f"SELECT {cols} FROM record r WHERE r.audit_id = ? AND NOT EXISTS (SELECT 1 "
               "FROM answer a WHERE a.record_id = r.id AND a.question_id = ? AND a.state <> ?)")
        params = [audit.id, qid, UNANSWERED]
    else:
        sql = base + ("AND a.state = ? AND (a.value = ? OR ';' || a.value || ';' LIKE ?)")
        params += [ANSWERED, answer, f"%;{answer};%"]
    if by is None:
        return [(int(r), ref) for r, ref in db.all(sql + " ORDER BY r.seq", params)]
    rows = db.all(sql + " ORDER BY r.seq", [by, *params])
    return [(int(r), ref) for r, ref, g in rows if _group(g) == (value or "")]
