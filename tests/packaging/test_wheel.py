"""The built wheel works anywhere: installed into a fresh virtualenv outside the checkout, it
lists and uses its bundled question sets, imports the bundled demo data, tallies, and starts
the app on an empty database without filling it.

Only the wheel is installed into the new virtualenv; its dependencies (PySide6 and the rest,
~400 MB) are borrowed from the project's .venv through a .pth file, so the test takes seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

ASB_ID = "hmic-asb-call-listening-2012"


def sh(argv: list, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("REVIEWER_DB", "PYTHONPATH", "VIRTUAL_ENV")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=timeout)
    assert done.returncode == 0, (argv, done.stdout[-2000:], done.stderr[-2000:])
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path]:
    """The wheel built from the checkout, installed into a fresh virtualenv."""
    base = tmp_path_factory.mktemp("wheel")
    started = time.perf_counter()
    # Build from a copy of the source files (tracked or new, not ignored): setuptools builds in
    # the source folder and would reuse a stale build/ left there (a deleted module would ship).
    files = sh(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
               cwd=ROOT).stdout.split("\0")
    source = base / "source"
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    sh([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", base / "dist", source],
       cwd=base)
    wheel = next((base / "dist").glob("reviewer-*.whl"))
    built = time.perf_counter()
    venv = base / "venv"
    sh([sys.executable, "-m", "venv", "--without-pip", venv], cwd=base)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    sh([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", wheel],
       cwd=base)
    site = sh([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
              cwd=base).stdout.strip()
    Path(site, "_project_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    print(f"\nwheel built in {built - started:.1f} s, installed in "
          f"{time.perf_counter() - built:.1f} s ({wheel.stat().st_size // 1024} KiB)")
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return {"wheel": wheel, "python": python, "bin": python.parent, "cwd": elsewhere}


def test_the_wheel_carries_the_bundled_files_and_no_tests(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    sets = sorted(p.name for p in (ROOT / "question_sets").glob("*.yaml"))
    assert sorted(n.rsplit("/", 1)[1] for n in names
                  if n.startswith("reviewer/bundled/question_sets/") and n.endswith(".yaml")) \
        == sets
    assert "reviewer/bundled/demo/demo-asb-2012.csv" in names
    audio = [n for n in names if n.startswith("reviewer/bundled/demo/audio/")]
    assert len([n for n in audio if n.endswith(".wav")]) == 5       # the demo calls
    assert len([n for n in audio if n.endswith(".vtt")]) == 5       # and their transcripts
    assert "ui/__main__.py" in names
    assert "reviewer/outputs/report.css" in names          # the PDF report's style sheet
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "scripts/"))]


def test_the_installed_program_works_from_another_folder(installed):
    cwd, bin_ = installed["cwd"], installed["bin"]
    where = sh([installed["python"], "-c", "import reviewer, ui; print(reviewer.__file__); "
                "print(ui.__file__)"], cwd).stdout.split()
    assert all(str(ROOT) not in w for w in where), where     # not the checkout

    listed = sh([bin_ / "reviewer", "sets", "list"], cwd).stdout.splitlines()
    assert listed[0].startswith(f"{ASB_ID}\t2\t") and len(listed) == 2
    db = cwd / "x.db"
    sh([bin_ / "reviewer", "--db", db, "audit", "create", "A", "--set", ASB_ID], cwd)
    csv_path, audio = sh([bin_ / "reviewer", "demo", "--files"], cwd).stdout.splitlines()
    assert str(ROOT) not in csv_path and Path(csv_path).is_file()
    sh([bin_ / "reviewer", "--db", db, "answers", "import", "A", csv_path], cwd)
    doc = json.loads(sh([bin_ / "reviewer", "--db", db, "tally", "A", "--format", "json"],
                        cwd).stdout)
    q1 = doc["questions"][0]
    assert (doc["records"], q1["id"], q1["yes"], q1["no"]) == (100, "1", 10, 90)
    assert len(list(Path(audio).glob("*.wav"))) == 5


def test_the_installed_app_starts_on_an_empty_database_without_seeding_it(installed):
    cwd, bin_ = installed["cwd"], installed["bin"]
    for i, argv in enumerate([[bin_ / "reviewer-gui", "--db"],
                              [bin_ / "reviewer", "gui", "--db"]]):
        db = cwd / f"empty{i}.db"
        started = time.perf_counter()
        done = sh([*argv, db, "--quit-after", "0.5"], cwd, timeout=120)
        print(f"\n{argv[0].name}: window shown and closed in "
              f"{time.perf_counter() - started:.1f} s")
        assert "window shown" in done.stderr
        audits = sh([bin_ / "reviewer", "--db", db, "audit", "list", "--all"], cwd).stdout
        assert db.exists() and audits == ""
