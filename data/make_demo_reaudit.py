#!/usr/bin/env python3
"""Write data/demo-asb-2013.csv: a synthetic re-audit of 100 ASB calls a year on.

It takes the 2012 demo records (data/demo-asb-2012.csv), gives them 2013 references and
dates, and changes answers the way the improvement plan (data/asb-improvement-plan-2012.csv)
hoped: after the call-handler training, repeat victims are asked about on 79 calls (was 10)
and vulnerability on 55 (was 10); attempts to identify them are recorded on 40 and 35 logs
(was 8 each); quality assurance is evidenced on 30 records (was 1). Everything else stays as
in 2012. Which records change is drawn with a fixed seed, so the output is the same on every
run. Follow-up questions stay consistent with their conditions (a newly asked 2a is N).

Standard library only.  Run:  python data/make_demo_reaudit.py
"""

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE, OUT = HERE / "demo-asb-2012.csv", HERE / "demo-asb-2013.csv"
SEED = 20130401
TARGET_Y = {"1": 79, "2": 55, "5": 40, "6": 35, "17": 30}   # Y answers wanted in 2013


def main() -> None:
    with SOURCE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0])
    rng = random.Random(SEED)
    for qid, wanted in TARGET_Y.items():
        yes = [r for r in rows if r[qid] == "Y"]
        no = [r for r in rows if r[qid] == "N"]
        for r in rng.sample(no, wanted - len(yes)):
            r[qid] = "Y"
            if qid == "2":                    # 2a is asked now: the vulnerability not found
                r["2a"] = "N"
    for r in rows:
        r["ref"] = r["ref"].replace("BTP-12-", "BTP-13-")
        r["date"] = r["date"].replace("2012-", "2013-")
        r["audio"] = ""
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
