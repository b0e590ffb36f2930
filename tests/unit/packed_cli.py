"""Helpers for the hostile tests of packed history events (docs/evidence.md, "Packed events"):
the ``reviewer`` command run as a subprocess, with the pack constants (``bundle.PACK_MIN``,
``merge.EVENT_BATCH``) set in that process, and answer tables whose refs, answers and notes
hold every character a pack's text must carry through (quotes, backslashes, commas, unicode,
the separators ``\\x1d \\x1e \\x1f``, newlines and tabs, very long texts)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AUDIT = "Packed"
DEFAULT = (1000, 5000)          # bundle.PACK_MIN, merge.EVENT_BATCH as shipped
SMALL = (0, 7)                  # every import packed, 7 changed cells a pack
PLAIN = (10**9, 5000)           # never packed
RUN = ("import sys; from reviewer.store import bundle, merge; "
       "bundle.PACK_MIN, merge.EVENT_BATCH = int(sys.argv[1]), int(sys.argv[2]); "
       "from reviewer.cli.main import main; sys.exit(main(sys.argv[3:]))")
ODD = ['q"uote', "back\\slash", "com,ma", "ünï😀ß", "tab\there", "rs\x1eus\x1fgs\x1d",
       "x" * 400, "semi;colon", "new\nline", "'single'", "{\"json\": [1]}", "\\u0041"]


def rv(db: str, *args: str, consts: tuple[int, int] = DEFAULT, who: str | None = None,
       ok: bool = True) -> subprocess.CompletedProcess:
    """``reviewer --db DB ARGS`` in a process of its own."""
    extra = ("--reviewer", who) if who else ()
    done = subprocess.run([sys.executable, "-c", RUN, *map(str, consts), "--db", db, *extra,
                           *args], capture_output=True, text=True, cwd=ROOT)
    assert "Traceback" not in done.stderr and "unexpected error" not in done.stderr, done.stderr
    if ok:
        assert done.returncode == 0, (args, done.stderr)
    return done


def refs(n: int) -> list[str]:
    return [f"{ODD[i % len(ODD)]}-{i}" for i in range(n)]


HEADER = ["ref", "1", "2", "2a", "2b", "3", "3a", "4", "5", "note:1", "note:5"]


def first_rows(n: int) -> list[list[str]]:
    return [[r, "Y", "Y", "Y", "Age", "Response", "Y", "Late",
             f"text {i}\nli\x1ene2\tx\x1fy\x1dz\\\"q'," + "ü" * (i % 3), f"note\n{i}\x1e\x1f end",
             f"first n5 note {i}" if i % 4 else ""] for i, r in enumerate(refs(n))]


def second_rows(n: int) -> list[list[str]]:
    """Answers changed, follow-ups cleared by a condition (2 -> N clears 2a, 2b), notes
    changed and cleared, text answers with every separator."""
    return [[r, "N", "N" if i % 2 else "Y", "" if i % 2 else "N", "", "CID", "N", "Too few",
             f"chan\x1eged {i}\r\nmore\t\\" + "€" * (i % 2), "" if i % 3 == 0 else
             f"new\tnote {i}\x1f\\ \u2028 end\n\"", "" if i % 2 else f"second n5 note {i}"]
            for i, r in enumerate(refs(n))]


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def history(db: str, *args: str) -> list[dict]:
    return json.loads(rv(db, "history", AUDIT, *args, "--format", "json").stdout)["events"]


def content(events: list[dict]) -> list[tuple]:
    """What an event says, without its time and hashes (which differ between two databases)."""
    return [tuple(v for k, v in e.items() if k not in ("at", "prev", "hash")) for e in events]


def linked(events: list[dict]) -> None:
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(events) + 1))
    for before, after in zip(events, events[1:], strict=False):
        assert after["prev"] == before["hash"] and len(after["hash"]) == 64


def verified(db: str, events: int) -> None:
    done = rv(db, "verify", AUDIT)
    assert done.stdout.startswith(f"verified {events} events; head "), done.stdout


def audit_with_packs(db: str, folder: Path, n: int, consts: tuple[int, int]) -> None:
    """An audit given ``first_rows`` then ``second_rows`` (the second import packed as
    ``consts`` say)."""
    from tests.unit.helpers import write_set

    rv(db, "audit", "create", AUDIT, "--set", str(write_set(folder)))
    rv(db, "answers", "import", AUDIT, str(write(folder / "first.csv", first_rows(n))))
    rv(db, "answers", "import", AUDIT, str(write(folder / "second.csv", second_rows(n))),
       consts=consts)
