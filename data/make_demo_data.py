#!/usr/bin/env python3
"""Write data/demo-asb-2012.csv: 100 synthetic ASB incident records.

The records are made up (references, dates, areas and operator codes are
invented; no real people appear), but their answers reproduce every figure
published in Appendix A, "Results Tables for ASB Call Listening", of the BTP
Audit Committee paper of 26 September 2012 (question set
question_sets/hmic-asb-call-listening-2012.yaml):

  Y / N / Total per yes_no question (n/a left out of the totals) and every
  breakdown (2b vulnerability type, 9 allocated to, 14 and 14b closure codes).

Follow-up questions are left blank on every record where their condition does
not hold (2a: 2=Y, 2b: 2a=Y, 10: 9 is not None, 11: 9=Response, 12a: 12=Y,
14b: 14a=N).  Which record gets which answer is drawn with a fixed seed, so
the output is the same on every run.

The first AUDIO_ROWS records carry a call recording in the `audio` column, as
the relative path audio/<ref>.wav (data/audio/, made by make_demo_audio.py).

Standard library only.  Run:  python data/make_demo_data.py
Check:                        python data/check_demo_data.py
"""

import csv
import random
from pathlib import Path

SEED = 20120401
N_RECORDS = 100
OUT = Path(__file__).resolve().parent / "demo-asb-2012.csv"
AUDIO_ROWS = 5  # the first records have a recording: audio/<ref>.wav

QUESTION_IDS = ["1", "2", "2a", "2b", "3", "4", "5", "6", "7", "8", "9", "10",
                "11", "12", "12a", "13", "14", "14a", "14b", "15", "16", "17"]

AREAS = ["London North", "London South", "Wales & Western", "North Eastern", "Scotland"]
AREA_WEIGHTS = [30, 28, 16, 16, 10]
CHANNELS = ["999", "101", "Other"]
CHANNEL_WEIGHTS = [35, 55, 10]
OPERATORS = ["OP-%03d" % n for n in (104, 117, 122, 131, 138, 146, 153, 160, 169, 175, 182, 190)]

NA = "n/a"


def pick(rng, population, k, prefer=(), avoid=()):
    """Choose k distinct items, taking from `prefer` first and `avoid` last."""
    population = list(population)
    preferred = [p for p in population if p in prefer]
    avoided = [p for p in population if p in avoid and p not in prefer]
    rest = [p for p in population if p not in prefer and p not in avoid]
    for group in (preferred, rest, avoided):
        rng.shuffle(group)
    ordered = preferred + rest + avoided
    if k > len(ordered):
        raise ValueError("cannot pick %d of %d" % (k, len(ordered)))
    return set(ordered[:k])


def yes_no(idx, yes):
    return {i: ("Y" if i in yes else "N") for i in idx}


def make_answers(rng):
    """Return {question id: {record index: answer}}; absent = not asked (blank)."""
    everyone = range(N_RECORDS)
    a = {qid: {} for qid in QUESTION_IDS}

    # -- ownership first: several follow-ups hang off question 9 ---------------
    order = list(everyone)
    rng.shuffle(order)
    allocation = ["Response"] * 80 + ["NPT/SNT"] * 1 + ["Other force"] * 2 + ["None"] * 17
    a["9"] = dict(zip(order, allocation, strict=False))
    allocated = [i for i in everyone if a["9"][i] != "None"]          # 83
    response = [i for i in everyone if a["9"][i] == "Response"]       # 80
    unallocated = [i for i in everyone if a["9"][i] == "None"]        # 17

    # -- repeat victims: 1 = 10 Y; the log shows an attempt (5) on 8, mostly
    #    where the handler also asked --------------------------------------
    q1_yes = pick(rng, everyone, 10)
    a["1"] = yes_no(everyone, q1_yes)
    q5_yes = pick(rng, q1_yes, 7) | pick(rng, everyone, 1, avoid=q1_yes)
    a["5"] = yes_no(everyone, q5_yes)

    # -- vulnerable victims: 2 = 10 Y, 2a = 10 Y / 0 N, 2b breakdown;
    #    6 (log shows vulnerability) = 9 Y, all among the identified ----------
    q2_yes = pick(rng, everyone, 10, prefer=pick(rng, q1_yes, 4))
    a["2"] = yes_no(everyone, q2_yes)
    a["2a"] = {i: "Y" for i in q2_yes}
    kinds = ["Ethnicity"] * 3 + ["Age"] * 1 + ["Other"] * 6
    vulnerable = sorted(q2_yes)
    rng.shuffle(vulnerable)
    a["2b"] = dict(zip(vulnerable, kinds, strict=False))
    a["6"] = yes_no(everyone, pick(rng, q2_yes, 9))

    # -- victim care: 3 = 98/2; 13 = 0 Y / 96 N with 4 n/a (no victim to
    #    update: calls never allocated) ------------------------------------
    q3_no = pick(rng, everyone, 2)
    a["3"] = {i: ("N" if i in q3_no else "Y") for i in everyone}
    q13_na = pick(rng, unallocated, 4)
    a["13"] = {i: (NA if i in q13_na else "N") for i in everyone}

    # -- action taken: 7 = 0/100; 10 = 2 Y / 81 N for the 83 allocated,
    #    the 2 Y where a repeat or vulnerable victim was found; 12 = 42/58,
    #    12a = 31/11 --------------------------------------------------------
    a["7"] = {i: "N" for i in everyone}
    flagged = (q1_yes | q2_yes) & set(allocated)
    a["10"] = yes_no(allocated, pick(rng, allocated, 2, prefer=flagged))
    q12_yes = pick(rng, everyone, 42)
    a["12"] = yes_no(everyone, q12_yes)
    a["12a"] = yes_no(q12_yes, pick(rng, q12_yes, 31))

    # -- quality: 4 = 98/2 (the operators who were not victim focused were
    #    mostly the ones who did not investigate), 8 = 96/4, 11 = 48/32 for
    #    the 80 Response ----------------------------------------------------
    q4_no = pick(rng, q3_no, 1) | pick(rng, everyone, 1, avoid=q3_no)
    a["4"] = {i: ("N" if i in q4_no else "Y") for i in everyone}
    q8_no = pick(rng, everyone, 4, prefer=q4_no)
    a["8"] = {i: ("N" if i in q8_no else "Y") for i in everyone}
    a["11"] = yes_no(response, pick(rng, response, 48))

    # -- closure: 14 = ASB N 2 / Other 98; 14a = 72 Y / 28 N; 14b for the 28
    #    wrong = ASB N 12 / Other 16.  One of the two ASB N closures was
    #    right, the other should have been Other; the other 12 that should
    #    have been ASB N were closed under Other codes --------------------
    q14_asbn = sorted(pick(rng, everyone, 2))
    a["14"] = {i: ("ASB N" if i in q14_asbn else "Other") for i in everyone}
    asbn_wrong = q14_asbn[rng.randrange(2)]
    closed_other = [i for i in everyone if a["14"][i] == "Other"]
    other_wrong = pick(rng, closed_other, 27)
    q14a_no = other_wrong | {asbn_wrong}
    a["14a"] = {i: ("N" if i in q14a_no else "Y") for i in everyone}
    should_be_asbn = pick(rng, other_wrong, 12)
    a["14b"] = {i: ("ASB N" if i in should_be_asbn else "Other") for i in q14a_no}

    # -- 15 = 81 Y / 17 N with 2 n/a; 16 = 3/97; 17 = 1/99 (the QA'd log
    #    also has supervisory guidance) -------------------------------------
    q15_na = pick(rng, everyone, 2)
    q15_no = pick(rng, [i for i in everyone if i not in q15_na], 17)
    a["15"] = {i: (NA if i in q15_na else "N" if i in q15_no else "Y") for i in everyone}
    q16_yes = pick(rng, everyone, 3)
    a["16"] = yes_no(everyone, q16_yes)
    a["17"] = yes_no(everyone, pick(rng, q16_yes, 1))
    return a


def make_records(rng):
    """Record fields (ref, date, area, operator, channel), sorted by ref."""
    days = sorted(rng.randint(1, 30) for _ in range(N_RECORDS))
    records = []
    serial_by_day = {}
    for day in days:
        # log serials increase through the day; gaps are the calls not sampled
        serial = serial_by_day.get(day, 0) + rng.randint(3, 60)
        serial_by_day[day] = serial
        records.append({
            "ref": "BTP-12-04%02d-%04d" % (day, serial),
            "date": "2012-04-%02d" % day,
            "area": rng.choices(AREAS, AREA_WEIGHTS)[0],
            "operator": rng.choice(OPERATORS),
            "channel": rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
        })
    return records


def main():
    rng = random.Random(SEED)
    records = make_records(rng)
    answers = make_answers(rng)
    header = ["ref", "date", "area", "operator", "channel"] + QUESTION_IDS + ["audio"]
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for i, rec in enumerate(records):
            row = [rec["ref"], rec["date"], rec["area"], rec["operator"], rec["channel"]]
            row += [answers[qid].get(i, "") for qid in QUESTION_IDS]
            row.append("audio/%s.wav" % rec["ref"] if i < AUDIO_ROWS else "")
            writer.writerow(row)
    print("wrote %d records to %s" % (len(records), OUT))


if __name__ == "__main__":
    main()
