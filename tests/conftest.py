"""Shared fixtures. QT_QPA_PLATFORM is set before anything can import Qt. The throwaway
PostgreSQL cluster's fixtures (``tests/unit/pg.py``) are registered here, once, so that every
test module shares one cluster."""

from __future__ import annotations

import atexit
import faulthandler
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from tests.unit.pg import pg_db, pg_port, pg_url, target  # noqa: F401 - fixtures

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("REVIEWER_NAME", "test-reviewer")

# Each test process gets a home and config, data and cache folders of its own, so no test (nor
# a command or app it starts) reads or writes the user's real settings, data or recent files.
# The user's real home is kept in REVIEWER_TEST_REAL_HOME for the test that checks this.
if "REVIEWER_TEST_REAL_HOME" not in os.environ:
    os.environ["REVIEWER_TEST_REAL_HOME"] = os.path.expanduser("~")
    _home = Path(tempfile.mkdtemp(prefix="reviewer-test-home-"))
    os.environ["HOME"] = str(_home)
    for _var, _sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
                       ("XDG_CACHE_HOME", ".cache"), ("XDG_STATE_HOME", ".local/state")):
        (_home / _sub).mkdir(parents=True, exist_ok=True)
        os.environ[_var] = str(_home / _sub)
    atexit.register(shutil.rmtree, _home, True)

ROOT = Path(__file__).resolve().parent.parent
ASB_SET = ROOT / "question_sets" / "hmic-asb-call-listening-2012.yaml"
SCOT_SET = ROOT / "question_sets" / "scottish-crime-recording-audit.yaml"
DEMO_CSV = ROOT / "data" / "demo-asb-2012.csv"


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "reviewer.db"


@pytest.fixture()
def db(db_path: Path):
    from reviewer.store.db import Database

    database = Database(str(db_path))
    yield database
    database.close()


@pytest.fixture()
def demo_audit(db):
    """The ASB 2012 audit with the 100 demo records imported."""
    from reviewer.store.audits import get_audit
    from tests.actions import create_audit, import_answers

    audit = create_audit(db, "BTP ASB 2012", ASB_SET)
    import_answers(db, audit, DEMO_CSV, "test-reviewer")
    return get_audit(db, "BTP ASB 2012")


# A test that hangs ends the run with every thread's stack on stderr
# (docs/platform.md, "A hang ends the run"): faulthandler's watchdog is C code, so it fires even
# when the hung call holds Python's lock, where pytest-timeout's Python thread cannot.
# REVIEWER_TEST_HANG_SECONDS changes the limit; the packaging build alone may take 25 minutes.
HANG_SECONDS, PACKAGING_HANG_SECONDS = 600, 1800
HANG_STDERR = pytest.StashKey[int]()


def pytest_configure(config):
    config.stash[HANG_STDERR] = os.dup(sys.stderr.fileno())   # before capture takes fd 2


def pytest_unconfigure(config):
    if HANG_STDERR in config.stash:
        os.close(config.stash[HANG_STDERR])


def _pytest_own_watchdog(config) -> bool:
    """Whether pytest's own watchdog was asked for (``-o faulthandler_timeout=N``)."""
    try:
        return float(config.getini("faulthandler_timeout") or 0) > 0
    except ValueError:          # -p no:faulthandler
        return False


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if _pytest_own_watchdog(item.config) or HANG_STDERR not in item.config.stash:
        yield
        return
    limit = float(os.environ.get("REVIEWER_TEST_HANG_SECONDS") or HANG_SECONDS)
    if item.path.is_relative_to(ROOT / "tests" / "packaging"):
        limit = max(limit, PACKAGING_HANG_SECONDS)
    faulthandler.dump_traceback_later(limit, exit=True, file=item.config.stash[HANG_STDERR])
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
