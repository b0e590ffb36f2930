"""Settings and passwords (docs/settings.md): every REVIEWER_* variable is checked, a bad one is
one line naming it with exit status 2 and nothing done (reads included); a database URL's
password never shows, whatever characters it holds."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewer.store.db import redact
from tests.unit.helpers import run_cli

BAD = {
    "REVIEWER_LOCK_TIMEOUT": ["inf", "-inf", "nan", "abc", "-1", "1e9", "3601", "0x10", "5s"],
    "REVIEWER_NAME": ["ali\x1bce", "bob\x07", "ev\re", "mallory\u202e", "x" * 201],
    "REVIEWER_THEME": ["pink", "darkest"],
    "REVIEWER_DEBUG": ["yes", "2"],
    "REVIEWER_DB": ["data\x1b.db", "x\u202e.db"],
    "REVIEWER_ALLOW_NETWORK_DRIVE": ["yes", "2"],
    "REVIEWER_IMPORT_HELPER": ["yes", "2", "off"],
    "REVIEWER_SECRET_FILE": ["key\x1b.txt", "k\u202e.key"],
}
CASES = [(var, value) for var, values in BAD.items() for value in values]


@pytest.mark.parametrize("var, value", CASES)
@pytest.mark.parametrize("command", [("audit", "list"), ("sets", "list"),
                                     ("tally", "Any", "--format", "json")])
def test_a_bad_setting_is_one_line_naming_it(var, value, command, tmp_path, capsys,
                                              monkeypatch):
    monkeypatch.setenv(var, value)
    db = tmp_path / "never.db"
    args = ["--db", str(db)] if var != "REVIEWER_DB" else []
    code, out, err = run_cli(capsys, *args, *command)
    assert code == 2, err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{var}: "), err
    assert "\x1b" not in err and "\u202e" not in err and "\x07" not in err
    assert not db.exists()


@pytest.mark.parametrize("value, seconds", [("", 60.0), ("0", 0.0), (" 2.5 ", 2.5),
                                            ("3600", 3600.0), ("60", 60.0)])
def test_good_lock_timeouts(value, seconds, monkeypatch):
    from reviewer.settings import lock_timeout

    monkeypatch.setenv("REVIEWER_LOCK_TIMEOUT", value)
    assert lock_timeout() == seconds


def test_the_command_as_a_process(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "REVIEWER_LOCK_TIMEOUT": "inf"}
    done = subprocess.run([sys.executable, "-m", "reviewer", "--db", str(tmp_path / "x.db"),
                           "audit", "list"], capture_output=True, text=True, env=env)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "REVIEWER_LOCK_TIMEOUT: 'inf' is not a number of seconds (give 0 to 3600, e.g. 60)"]


@pytest.mark.parametrize("option", [("--reviewer", "a\x1b]0;pwned\x07"), ("--reviewer", "\x00x")])
def test_reviewer_option_refuses_control_characters(option, tmp_path, capsys):
    db = tmp_path / "r.db"
    code, _, err = run_cli(capsys, "--db", str(db), *option, "audit", "list")
    assert code == 2 and err.startswith("--reviewer: a reviewer name cannot hold control")
    assert "\x1b" not in err and "\x07" not in err and "\x00" not in err


def test_assign_to_refuses_control_characters(tmp_path, capsys):
    from tests.conftest import ASB_SET, DEMO_CSV

    db = str(tmp_path / "r.db")
    assert run_cli(capsys, "--db", db, "audit", "create", "A", "--set", str(ASB_SET))[0] == 0
    assert run_cli(capsys, "--db", db, "answers", "import", "A", str(DEMO_CSV))[0] == 0
    code, _, err = run_cli(capsys, "--db", db, "assign", "A", "--to", "alice,b\x1b[2Job")
    assert code == 2 and err.startswith("--to: a reviewer name cannot hold control")
    code, out, _ = run_cli(capsys, "--db", db, "history", "A", "--format", "json")
    assert '"assign"' not in out


def test_the_workspace_refuses_a_bad_name(tmp_path):
    from reviewer.errors import UsageError
    from reviewer.workspace import Workspace

    with pytest.raises(UsageError, match="control characters"):
        Workspace.open(str(tmp_path / "r.db"), "eve\u202egnp.exe")
    assert not (tmp_path / "r.db").exists()


# -- passwords ----------------------------------------------------------------------------------
URLS = [
    ("postgresql+psycopg://postgres:P@ss@w0rd@127.0.0.1/db", ["P@ss", "ss@w0rd", "w0rd"]),
    ("postgresql+psycopg://postgres:pa/ss:wd@127.0.0.1:1/db", ["pa/ss", "ss:wd"]),
    ("postgresql+psycopg://postgres:s3cr#t?x@127.0.0.1:1/db", ["s3cr", "t?x"]),
    ("postgresql+psycopg://postgres:plain-pass@127.0.0.1:1/db", ["plain-pass"]),
    ("postgresql+psycopg://al@ce:hunter22@127.0.0.1:1/db", ["hunter22"]),
]


@pytest.mark.parametrize("url, secrets", URLS)
def test_no_part_of_a_password_is_printed(url, secrets, tmp_path):
    done = subprocess.run([sys.executable, "-m", "reviewer", "--db", url, "tally", "X"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    for secret in secrets:
        assert secret not in done.stderr, done.stderr
    assert "127.0.0.1" in done.stderr


PASSWORD = st.text(st.characters(blacklist_categories=("Cs", "Zs", "Cc")), min_size=1,
                   max_size=20).filter(lambda p: p.strip() == p)


@given(user=st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), password=PASSWORD)
def test_redact_masks_the_whole_password(user, password):
    url = f"postgresql+psycopg://{user}:{password}@db.example.org:5432/reviews"
    shown = redact(f"cannot open database {url}: refused")
    assert shown in (
        f"cannot open database postgresql+psycopg://{user}:***@db.example.org:5432/reviews: "
        "refused",
        "cannot open database postgresql+psycopg://***@db.example.org:5432/reviews: refused")


def test_an_unencoded_at_sign_is_refused_before_any_connection(tmp_path):
    from reviewer.store.db import Database, DatabaseError

    with pytest.raises(DatabaseError, match="%40") as caught:
        Database("postgresql+psycopg://postgres:P@ss@w0rd@10.255.255.1/db")
    assert "ss@w0rd" not in str(caught.value) and "P@ss" not in str(caught.value)


@pytest.mark.parametrize("entry", [["-m", "ui"], ["-m", "reviewer", "gui"]])
@pytest.mark.parametrize("var, value", [("REVIEWER_THEME", "pink"),
                                        ("REVIEWER_LOCK_TIMEOUT", "nan"),
                                        ("REVIEWER_NAME", "a\x1b[2Jb")])
def test_the_app_checks_its_settings_before_it_starts(entry, var, value, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           var: value}
    done = subprocess.run([sys.executable, *entry, "--db", str(tmp_path / "x.db"),
                           "--quit-after", "0.1"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith(f"{var}: ")
    assert "\x1b" not in done.stderr
    assert not (tmp_path / "x.db").exists()
