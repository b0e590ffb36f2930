"""Text from users is never a terminal control (docs/safe-files.md, "Text on the terminal"):
ESC, BEL, CR, NUL and the right-to-left override in refs, fields, notes and names reach the
terminal escaped, through history, tally, audit list, audit sign-off and import errors; JSON
stays valid JSON holding the same text."""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewer.text import BIDI, json_printable, printable
from tests.unit.helpers import run_cli, write_csv, write_set

NASTY = ["\x1b]0;pwned\x07", "\x1b[2J", "\r", "\u202e", "\x00", "\x9b", "\x7f"]
RAW = set("\x1b\x07\r\x00\u202e\x9b\x7f")


def clean(text: str, allowed: str = "\n\t") -> bool:
    """No control or bidi character in ``text`` but the ``allowed`` ones."""
    return not [c for c in text if c not in allowed and (
        ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or c in BIDI)]


@given(st.text())
def test_printable_leaves_no_control(text):
    shown = printable(text)
    assert clean(shown, "")
    if clean(text, ""):
        assert shown == text


@given(st.text())
def test_json_printable_is_the_same_json(text):
    document = json.dumps({"v": text}, ensure_ascii=False)
    shown = json_printable(document)
    assert clean(shown, "") and json.loads(shown) == {"v": text}


def test_the_escapes():
    assert printable("a\x1bb\x07c\rd\x00e\u202ef\x85g\x7f") == \
        "a\\x1bb\\x07c\\x0dd\\x00e\\u202ef\\x85g\\x7f"
    assert printable("tab\tnew\nline", keep="\n\t") == "tab\tnew\nline"


@pytest.fixture()
def nasty(tmp_path, capsys):
    """An audit whose refs, a field, notes and text answers hold terminal controls, and whose
    stored reviewer names do too (a database written by an older version, or by hand)."""
    db = tmp_path / "r.db"
    set_path = write_set(tmp_path)
    assert run_cli(capsys, "--db", str(db), "audit", "create", "Evil", "--set",
                   str(set_path))[0] == 0
    rows = [[f"R{i}{v}", "Y", v, f"note{v}", f"area{v}"] for i, v in enumerate(NASTY)]
    source = write_csv(tmp_path / "nasty.csv", ["ref", "1", "5", "note:1", "area"], rows)
    code, _, err = run_cli(capsys, "--db", str(db), "answers", "import", "Evil", str(source))
    assert code == 0, err
    conn = sqlite3.connect(db)
    conn.execute("UPDATE record SET assigned_to = ?", ("bob\x1b]0;x\x07\u202e",))
    conn.execute("UPDATE answer SET reviewer = ?", ("eve\x1b[2J\r\u202e\x00",))
    conn.execute("INSERT INTO event (audit_id, seq, at, reviewer, action, detail) VALUES "
                 "(1, 1000, 'now', ?, 'note', ?)", ("mal\x1b]0;t\x07", "det\r\u202e\x00"))
    conn.commit()
    conn.close()
    return db


COMMANDS = [
    ("history", "Evil"),
    ("history", "Evil", "--format", "json"),
    ("tally", "Evil"),
    ("tally", "Evil", "--by", "area"),
    ("tally", "Evil", "--by", "area", "--format", "csv"),
    ("tally", "Evil", "--by", "area", "--format", "json"),
    ("audit", "list"),
    ("audit", "sign-off", "Evil"),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_no_control_reaches_the_terminal(nasty, command, capsys):
    code, out, err = run_cli(capsys, "--db", str(nasty), *command)
    assert code == 0, err
    assert clean(out) and clean(err, "\n"), (out, err)
    if "json" in command:
        json.loads(out)


def test_history_shows_the_values_escaped(nasty, capsys):
    code, out, _ = run_cli(capsys, "--db", str(nasty), "history", "Evil")
    assert "mal\\x1b]0;t\\x07" in out
    assert "det\\x0d\\u202e\\x00" in out
    code, out, _ = run_cli(capsys, "--db", str(nasty), "history", "Evil", "--format", "json")
    events = json.loads(out)["events"]
    assert {"mal\x1b]0;t\x07"} <= {e["reviewer"] for e in events}      # the same text back


def test_tally_by_shows_field_values_escaped(nasty, capsys):
    code, out, _ = run_cli(capsys, "--db", str(nasty), "tally", "Evil", "--by", "area")
    assert "== area: area\\x1b]0;pwned\\x07 ==" in out and "area\\u202e" in out


def test_sign_off_names_the_reviewer_escaped(nasty, capsys):
    code, _, err = run_cli(capsys, "--db", str(nasty), "audit", "sign-off", "Evil")
    assert code == 0 and clean(err, "\n")
    code, out, _ = run_cli(capsys, "--db", str(nasty), "audit", "list")
    assert clean(out) and "bob\\x1b]0;x\\x07\\u202e" in out


@pytest.mark.parametrize("value", NASTY)
def test_import_errors_show_the_cell_escaped(value, tmp_path, capsys):
    db = tmp_path / "r.db"
    assert run_cli(capsys, "--db", str(db), "audit", "create", "A", "--set",
                   str(write_set(tmp_path)))[0] == 0
    source = write_csv(tmp_path / "bad.csv", ["ref", "1"], [["R1", f"maybe{value}"]])
    code, out, err = run_cli(capsys, "--db", str(db), "answers", "import", "A", str(source))
    assert code == 1 and clean(err, "\n") and "maybe" in err
