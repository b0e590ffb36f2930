"""The demo audit a newcomer sees: the ASB 2012 question set with 100 demo records."""

from __future__ import annotations

from reviewer.errors import NotFound
from reviewer.ops.audits import create_audit
from reviewer.ops.importer import import_answers
from reviewer.paths import demo_data_dir, question_sets_dir
from reviewer.store.audits import AuditInfo
from reviewer.workspace import Workspace

DEMO_NAME = "BTP ASB 2012 (demo)"
DEMO_SET = "hmic-asb-call-listening-2012.yaml"
DEMO_CSV = "demo-asb-2012.csv"


def ensure_demo(ws: Workspace) -> AuditInfo:
    """The demo audit, created and filled from data/ if it is not there yet."""
    try:
        return ws.audit(DEMO_NAME)
    except NotFound:
        pass
    audit = create_audit(ws, DEMO_NAME, question_sets_dir() / DEMO_SET,
                         "Demo: 100 synthetic incident records whose answers reproduce "
                         "Appendix A of the 2012 HMIC ASB call-listening results.").value
    import_answers(ws, audit.id, demo_data_dir() / DEMO_CSV)
    return ws.audit(DEMO_NAME)


def is_empty(ws: Workspace) -> bool:
    return not ws.audits(include_archived=True)
