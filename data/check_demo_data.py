#!/usr/bin/env python3
"""Check data/demo-asb-2012.csv against Appendix A of the 2012 HMIC ASB paper.

Independent of the reviewer package on purpose: plain Python plus PyYAML.

1. loads question_sets/hmic-asb-call-listening-2012.yaml and the CSV;
2. checks every record: unique ref, every answer valid for its question, every
   follow-up blank when its condition does not hold and answered when it does;
3. recounts Y / N / Total (n/a never counted) and every choice breakdown;
4. prints the tables in the appendix's layout next to the published figures
   (hard-coded below from Appendix A), and exits 1 if anything differs.

Run:  .venv/bin/python data/check_demo_data.py [CSV] [YAML]
"""

import csv
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT_CSV = HERE / "demo-asb-2012.csv"
DEFAULT_YAML = HERE.parent / "question_sets" / "hmic-asb-call-listening-2012.yaml"

# Appendix A, "Results Tables for ASB Call Listening" (100 calls).
# yes_no: (Y, N, Total); choice: ({label: Number}, Total).
PUBLISHED_RECORDS = 100
PUBLISHED = {
    "1": (10, 90, 100),
    "5": (8, 92, 100),
    "2": (10, 90, 100),
    "2a": (10, 0, 10),
    "2b": ({"Ethnicity": 3, "Religion": 0, "Sexual orientation": 0, "Disability": 0,
            "Age": 1, "Gender": 0, "Other": 6}, 10),
    "6": (9, 91, 100),
    "3": (98, 2, 100),
    "13": (0, 96, 96),
    "7": (0, 100, 100),
    "10": (2, 81, 83),
    "12": (42, 58, 100),
    "12a": (31, 11, 42),
    "9": ({"Response": 80, "CID": 0, "NPT/SNT": 1, "Other police dept": 0,
           "Other force": 2, "Other agency": 0, "Other": 0, "None": 17}, 100),
    "4": (98, 2, 100),
    "8": (96, 4, 100),
    "11": (48, 32, 80),
    "14": ({"ASB E": 0, "ASB N": 2, "ASB P": 0, "Other": 98}, 100),
    "14a": (72, 28, 100),
    "14b": ({"ASB E": 0, "ASB N": 12, "ASB P": 0, "Other": 16}, 28),
    "15": (81, 17, 98),
    "16": (3, 97, 100),
    "17": (1, 99, 100),
}

NA = "n/a"
NOT_ASKED = None          # marker in the evaluated record
YES_WORDS = {"y": "Y", "yes": "Y", "n": "N", "no": "N"}
NA_WORDS = {"n/a", "na"}


def normalise(q, cell):
    """Return (value, error). value is Y/N, a choice label, a list, n/a, '' or text."""
    raw = (cell or "").strip()
    if raw == "":
        return "", None
    if raw.lower() in NA_WORDS:
        if q.get("na", True) is False:
            return None, "n/a is not allowed"
        return NA, None
    kind = q["type"]
    if kind == "text":
        return raw, None
    if kind == "yes_no":
        if raw.lower() in YES_WORDS:
            return YES_WORDS[raw.lower()], None
        return None, "not Y, N or n/a: %r" % raw
    labels = {c.lower(): c for c in q["choices"]}
    parts = [p.strip() for p in raw.split(";")] if kind == "multi_choice" else [raw]
    out = []
    for p in parts:
        if p.lower() not in labels:
            return None, "unknown choice %r" % p
        out.append(labels[p.lower()])
    return (out if kind == "multi_choice" else out[0]), None


def condition(q, answers):
    """'asked', 'not asked' or 'unanswered' for q given earlier answers (docs/contracts.md §1)."""
    state = "asked"
    for parent, allowed in (q.get("ask_if") or {}).items():
        allowed = allowed if isinstance(allowed, list) else [allowed]
        allowed = {str(x) for x in allowed}
        got = answers.get(str(parent))
        if got is NOT_ASKED or got == NA:
            return "not asked"
        if got == "":
            state = "unanswered"
            continue
        got = set(got) if isinstance(got, list) else {got}
        if not got & allowed:
            return "not asked"
    return state


def main(argv):
    csv_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_CSV
    yaml_path = Path(argv[2]) if len(argv) > 2 else DEFAULT_YAML
    qset = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    questions = qset["questions"]
    for q in questions:
        q["id"] = str(q["id"])
    by_id = {q["id"]: q for q in questions}
    problems = []

    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
        header = list(rows[0].keys()) if rows else []
    missing = [q["id"] for q in questions if q["id"] not in header]
    if missing:
        problems.append("%s: missing question columns %s" % (csv_path, missing))
    if header[:1] != ["ref"]:
        problems.append("%s: first column must be ref" % csv_path)
    if len(rows) != PUBLISHED_RECORDS:
        problems.append("records: %d, published %d" % (len(rows), PUBLISHED_RECORDS))

    tallies = {q["id"]: {"Y": 0, "N": 0, NA: 0, "not asked": 0, "unanswered": 0,
                         "counts": {c: 0 for c in q.get("choices", [])}, "total": 0}
               for q in questions}
    seen = {}
    for rowno, row in enumerate(rows, start=2):
        ref = row.get("ref", "").strip()
        if not ref:
            problems.append("%s:%d:ref: blank ref" % (csv_path, rowno))
        elif ref in seen:
            problems.append("%s:%d:ref: duplicate of row %d" % (csv_path, rowno, seen[ref]))
        seen.setdefault(ref, rowno)
        answers = {}
        for q in questions:
            qid = q["id"]
            where = "%s:%d:%s" % (csv_path, rowno, qid)
            value, err = normalise(q, row.get(qid, ""))
            if err:
                problems.append("%s: %s" % (where, err))
                value = ""
            state = condition(q, answers)
            t = tallies[qid]
            if state == "not asked":
                if value != "":
                    problems.append("%s: answered %r but not asked (ask_if %s); must be blank"
                                    % (where, value, q.get("ask_if")))
                answers[qid] = NOT_ASKED
                t["not asked"] += 1
                continue
            answers[qid] = value
            if value == "":
                problems.append("%s: blank, but the question is asked" % where)
                t["unanswered"] += 1
            elif value == NA:
                t[NA] += 1
            elif q["type"] == "yes_no":
                t[value] += 1
                t["total"] += 1
            elif q["type"] in ("choice", "multi_choice"):
                for label in (value if isinstance(value, list) else [value]):
                    t["counts"][label] += 1
                t["total"] += 1

    # ---- report, laid out as Appendix A ------------------------------------
    print("%s: %d records, question set %s v%s" % (csv_path.name, len(rows), qset["id"],
                                                   qset["version"]))
    print("n/a answers (given, or question not asked) are not counted in the totals.")
    print("Each figure is shown as recounted; '!= P' marks a published figure P that differs.")
    mismatches = 0

    def cell(got, want):
        nonlocal mismatches
        if got == want:
            return "%5d" % got
        mismatches += 1
        return "%5d != %d" % (got, want)

    for section in qset.get("sections") or [{"id": None, "title": ""}]:
        qs = [q for q in questions if q.get("section") == section["id"]]
        print()
        print((section["title"] + ":") if section["title"] else "(continued)")
        for q in qs:
            qid, t = q["id"], tallies[q["id"]]
            head = ("%s. %s %s" % (qid, q["text"], q.get("ref", ""))).rstrip()
            extra = "   [n/a %d, not asked %d]" % (t[NA], t["not asked"]) \
                if t[NA] or t["not asked"] else ""
            if qid not in PUBLISHED:
                problems.append("question %s has no published figures" % qid)
                continue
            if q["type"] == "yes_no":
                y, n, total = PUBLISHED[qid]
                print("  %s" % head)
                print("      Y %s   N %s   Total %s%s" % (cell(t["Y"], y), cell(t["N"], n),
                                                        cell(t["total"], total), extra))
            else:
                counts, total = PUBLISHED[qid]
                print("  %s" % head)
                print("      %-20s Number      Total %s%s" % (q.get("label", ""),
                                                             cell(t["total"], total), extra))
                for label in q["choices"]:
                    figure = cell(t["counts"][label], counts.get(label, 0))
                    print("      %-20s %s" % (label, figure))
                for label in set(counts) - set(q["choices"]):
                    problems.append("%s: published label %r is not a choice" % (qid, label))
    for qid in PUBLISHED:
        if qid not in by_id:
            problems.append("published question %s is not in the question set" % qid)

    print()
    for p in problems:
        print("PROBLEM " + p)
    if mismatches or problems:
        print("FAIL: %d figure(s) differ from Appendix A, %d other problem(s)"
              % (mismatches, len(problems)))
        return 1
    print("OK: every figure matches Appendix A; all %d records meet every condition" % len(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
