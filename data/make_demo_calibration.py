#!/usr/bin/env python3
"""Write data/demo-asb-2012-calibration.csv: a synthetic blind second scoring of 20 demo calls.

The 20 records are the ones `reviewer audit create ... --calibrate "BTP ASB 2012 (demo)"
--records 20 --seed 2012` draws (random.Random(2012).sample over the demo's refs in order).
The second reviewer agrees with the first on most answers and differs where scorers do in real
calibration sessions: on judgement calls (was the victim updated, was the incident closed
appropriately, is the operator victim focused) more often than on plain facts (was the
question asked). Differences are drawn with a fixed seed and keep every follow-up consistent.

Standard library only.  Run:  python data/make_demo_calibration.py
"""

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE, OUT = HERE / "demo-asb-2012.csv", HERE / "demo-asb-2012-calibration.csv"
SEED, RECORDS = 2012, 20
FLIP = {"1": 0.05, "3": 0.10, "4": 0.10, "5": 0.05, "7": 0.10, "8": 0.15, "13": 0.30,
        "15": 0.25, "16": 0.20, "17": 0.05}      # chance of the other answer, per yes/no question


def main() -> None:
    with SOURCE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    chosen = set(random.Random(SEED).sample([r["ref"] for r in rows], RECORDS))
    rng = random.Random(SEED + 1)
    questions = [k for k in rows[0] if k[0].isdigit()]
    out = []
    for r in rows:
        if r["ref"] not in chosen:
            continue
        copy = {k: r[k] for k in ["ref", *questions]}
        for qid, chance in FLIP.items():
            if copy[qid] in ("Y", "N") and rng.random() < chance:
                copy[qid] = "N" if copy[qid] == "Y" else "Y"
        out.append(copy)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["ref", *questions], lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)


if __name__ == "__main__":
    main()
