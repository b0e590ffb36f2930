"""Command-line conventions: --db/--reviewer before or after the subcommand, the documented exit
statuses, bundled question sets by id (docs/contracts.md §3 ``sets list``, ``--set ID``), the demo
command, and shell completion through a real bash."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.bundled import bundled_sets, demo_audio_dir, demo_csv
from tests.conftest import ASB_SET, DEMO_CSV
from tests.unit.helpers import run_cli

ASB_ID = "hmic-asb-call-listening-2012"
BIN = Path(sys.executable).parent


def test_db_and_reviewer_work_after_the_subcommand(capsys, tmp_path):
    db = str(tmp_path / "after.db")
    assert run_cli(capsys, "audit", "create", "A", "--set", ASB_ID, "--db", db)[0] == 0
    code, out, err = run_cli(capsys, "answers", "import", "A", str(DEMO_CSV), "--db", db,
                             "--reviewer", "carol")
    assert code == 0, err
    assert run_cli(capsys, "--db", db, "audit", "list")[1].startswith("A\t")
    assert run_cli(capsys, "audit", "list", "--db", db)[1].startswith("A\t")
    from reviewer.store.db import Database

    who = Database(db).all("SELECT DISTINCT reviewer FROM answer")
    assert who == [("carol",)]
    # not given after the subcommand, the value before it stands
    assert run_cli(capsys, "--db", db, "tally", "A", "--format", "json")[0] == 0


def test_help_documents_the_exit_statuses(capsys):
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0
    assert "exit status:" in out
    for line in ("0  done", "1  a problem with the data", "2  a usage error"):
        assert line in out
    assert "register-python-argcomplete reviewer" in out


def test_sets_list_prints_the_bundled_sets(capsys):
    code, out, _ = run_cli(capsys, "sets", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines == [f"{s.id}\t{s.version}\t{s.title}" for s in bundled_sets()]
    assert lines[0].split("\t")[:2] == [ASB_ID, "2"] and len(lines) >= 2
    code, out, _ = run_cli(capsys, "sets", "list", "--format", "json")
    doc = json.loads(out)
    assert [d["id"] for d in doc] == [s.id for s in bundled_sets()]
    assert Path(doc[0]["path"]).read_bytes() == ASB_SET.read_bytes()


def test_audit_create_takes_a_bundled_id_or_a_file(capsys, tmp_path):
    db = str(tmp_path / "sets.db")
    assert run_cli(capsys, "--db", db, "audit", "create", "By id", "--set", ASB_ID)[0] == 0
    assert run_cli(capsys, "--db", db, "audit", "create", "By file", "--set", str(ASB_SET))[0] == 0
    out = run_cli(capsys, "--db", db, "audit", "list")[1]
    assert out.count(f"{ASB_ID} v2") == 2          # the same stored set, reused
    code, out, err = run_cli(capsys, "--db", db, "audit", "create", "X", "--set", "no-such-set")
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        "no-such-set: no such question-set file or bundled set (bundled: "
        + ", ".join(s.id for s in bundled_sets()) + ")"]


def test_the_demo_audit_is_made_only_by_the_demo_command(capsys, tmp_path):
    db = str(tmp_path / "demo.db")
    assert run_cli(capsys, "--db", db, "audit", "list", "--all")[1] == ""
    code, _, err = run_cli(capsys, "--db", db, "demo")
    assert code == 0 and "created the demo audit 'BTP ASB 2012 (demo)' (100 records)" in err
    code, _, err = run_cli(capsys, "--db", db, "demo")
    assert code == 0 and "already there" in err
    listed = run_cli(capsys, "--db", db, "audit", "list")[1].splitlines()
    assert listed[0].startswith("ASB self-audit 2011-10 (demo)\t")     # the monthly ones first
    assert sum(line.startswith("BTP ASB 2012 (demo)\t") for line in listed) == 1
    code, out, _ = run_cli(capsys, "demo", "--files")
    assert out.splitlines() == [str(demo_csv()), str(demo_audio_dir())]
    assert demo_csv().read_bytes() == DEMO_CSV.read_bytes()
    assert len(list(demo_audio_dir().glob("*.wav"))) == 5


@pytest.mark.parametrize("argv", [("audit", "list", "--db"), ("tally", "--db", "x.db"),
                                  ("sets", "list", "--format", "xml")])
def test_usage_errors_after_the_subcommand_exit_2(argv):
    done = subprocess.run([sys.executable, "-m", "reviewer", *argv], capture_output=True,
                          text=True)
    assert done.returncode == 2 and "usage:" in done.stderr and "Traceback" not in done.stderr


# -- shell completion --------------------------------------------------------------------------
def bash_complete(line: str, tmp_path: Path) -> list[str]:
    """What bash offers for ``line`` with reviewer's argcomplete script loaded, as a user's
    shell would after ``eval "$(register-python-argcomplete reviewer)"``."""
    script = f"""
source <("{BIN}/register-python-argcomplete" reviewer)
COMP_LINE={line!r}; COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
_python_argcomplete reviewer
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("REVIEWER_DB", None)
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    return [w.strip() for w in done.stdout.splitlines() if w.strip()]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completes_commands_audit_names_and_set_ids(capsys, tmp_path):
    db = str(tmp_path / "c.db")
    run_cli(capsys, "--db", db, "audit", "create", "Spring review", "--set", ASB_ID)
    assert bash_complete("reviewer ta", tmp_path) == ["tally"]
    assert {"validate", "list"} <= set(bash_complete("reviewer sets ", tmp_path))
    names = bash_complete(f"reviewer --db {db} tally Sp", tmp_path)
    assert names == [r"Spring\ review"]
    assert bash_complete(f"reviewer tally --db {db} Sp", tmp_path) == [r"Spring\ review"]
    assert bash_complete("reviewer audit create X --set hmic", tmp_path) == [ASB_ID]
    missing = tmp_path / "missing.db"
    assert bash_complete(f"reviewer --db {missing} tally ", tmp_path)[:1] != ["Spring\\ review"]
    assert not missing.exists()                    # completing never creates a database
