"""The demo audit: the bundled ASB 2012 question set with its 100 demo records.

Only the demo command makes it (``reviewer demo``, ``reviewer gui --demo``, ``scripts/demo``);
an empty database stays empty, so a real or shared database never receives synthetic records.
"""

from __future__ import annotations

from reviewer.bundled import demo_csv, resolve_set
from reviewer.errors import NotFound
from reviewer.ops.audits import create_audit
from reviewer.ops.importer import import_answers
from reviewer.store.audits import AuditInfo
from reviewer.workspace import Workspace

DEMO_NAME = "BTP ASB 2012 (demo)"
DEMO_SET = "hmic-asb-call-listening-2012"


def ensure_demo(ws: Workspace) -> tuple[AuditInfo, bool]:
    """The demo audit, and whether it was created now (from the bundled files)."""
    try:
        return ws.audit(DEMO_NAME), False
    except NotFound:
        pass
    audit = create_audit(ws, DEMO_NAME, resolve_set(DEMO_SET),
                         "Demo: 100 synthetic incident records whose answers reproduce "
                         "Appendix A of the 2012 HMIC ASB call-listening results.").value
    import_answers(ws, audit.id, demo_csv())
    return ws.audit(DEMO_NAME), True
