"""The scoring screen's history panel after a packed re-import (docs/evidence.md, "Packed
events"): for each record it shows exactly the events ``reviewer history --ref`` prints, the
packed ones among them, texts with every separator character as they were."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reviewer.store.audits import get_audit
from tests.unit import packed_cli as pc
from ui.models.history import COL_AFTER, COL_BEFORE, COL_QUESTION


def test_the_history_panel_shows_packed_events(qtbot, make_window, tmp_path):
    db = str(tmp_path / "ui.db")
    pc.audit_with_packs(db, tmp_path, 12, pc.SMALL)
    window = make_window(demo=False)
    window.open_audit(get_audit(window.session.ws.db, pc.AUDIT).id)
    s = window.scoring
    qtbot.keyClick(s.questions_view, Qt.Key_H, Qt.ControlModifier)
    assert s.history.isVisible()
    for i, ref in enumerate(pc.refs(3)):
        if i:
            s.move_record(1)
        assert s.view.ref == ref
        m = s.history.model
        want = pc.history(db, "--ref", ref)
        got = [e.to_dict() for e in m.events]
        assert sorted(got, key=lambda e: e["seq"]) == want
        assert sum(e["action"] in ("answer", "note") for e in want) >= 8
        rows = {(m.data(m.index(r, COL_QUESTION)), m.data(m.index(r, COL_BEFORE)),
                 m.data(m.index(r, COL_AFTER))) for r in range(m.rowCount())}
        assert ("1", "Y", "N") in rows
