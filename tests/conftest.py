"""Shared fixtures. QT_QPA_PLATFORM is set before anything can import Qt. The throwaway
PostgreSQL cluster's fixtures (``tests/unit/pg.py``) are registered here, once, so that every
test module shares one cluster."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.unit.pg import pg_db, pg_port, pg_url  # noqa: F401 - fixtures

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("REVIEWER_NAME", "test-reviewer")

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
