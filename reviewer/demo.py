"""The demo audit a newcomer sees on first run: the ASB 2012 question set with 100 demo records."""

from __future__ import annotations

from reviewer.errors import NotFound
from reviewer.ops.importer import import_answers
from reviewer.paths import demo_data_dir, question_sets_dir
from reviewer.store.audits import AuditInfo, create_audit, get_audit, list_audits
from reviewer.store.db import Database

DEMO_NAME = "BTP ASB 2012 (demo)"
DEMO_SET = "hmic-asb-call-listening-2012.yaml"
DEMO_CSV = "demo-asb-2012.csv"


def ensure_demo(db: Database, reviewer: str = "demo") -> AuditInfo:
    """The demo audit, created and filled from data/ if it is not there yet."""
    try:
        return get_audit(db, DEMO_NAME)
    except NotFound:
        pass
    audit = create_audit(db, DEMO_NAME, question_sets_dir() / DEMO_SET,
                         "Demo: 100 synthetic incident records whose answers reproduce "
                         "Appendix A of the 2012 HMIC ASB call-listening results.")
    import_answers(db, audit, demo_data_dir() / DEMO_CSV, reviewer)
    return get_audit(db, DEMO_NAME)


def is_empty(db: Database) -> bool:
    return not list_audits(db, include_archived=True)
