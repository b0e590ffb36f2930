"""``reviewer history`` and ``reviewer access`` written a batch of events at a time
(docs/performance.md): the JSON is byte for byte what the standard encoder writes for the whole
document (docs/contracts.md §6), for any text, and the events read in batches are every event
in seq order."""

from __future__ import annotations

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.cli.history import write_json
from reviewer.store import history
from reviewer.store.history import HistoryEvent, history_dict
from tests.actions import create_audit, import_answers, score, ws
from tests.unit.helpers import SMALL_HEADER, SMALL_ROWS, write_csv, write_set

text = st.one_of(st.none(), st.text(max_size=10))
event = st.builds(HistoryEvent, seq=st.integers(1, 10**9), at=st.text(max_size=20),
                  reviewer=st.text(max_size=8), action=st.sampled_from(["answer", "view"]),
                  ref=text, question=text, before=text, after=text, detail=st.text(max_size=10),
                  login=text, prev=text, hash=text)


@settings(max_examples=150, deadline=None)
@given(name=st.text(max_size=10), found=st.lists(event, max_size=4),
       verified=st.one_of(st.none(), st.booleans()))
def test_the_json_is_the_standard_encoders_for_any_text(name, found, verified):
    out = io.StringIO()
    write_json(out, name, iter(found), verified)
    assert out.getvalue() == json.dumps(history_dict(name, found, verified), indent=2,
                                        ensure_ascii=False) + "\n"


def test_events_read_in_batches_are_every_event_in_order(db, tmp_path, monkeypatch):
    audit = create_audit(db, "Small", write_set(tmp_path))
    import_answers(db, audit, write_csv(tmp_path / "a.csv", SMALL_HEADER, SMALL_ROWS))
    qs = ws(db).question_set(audit)
    for ref, value in [("R2", "Y"), ("R1", "N"), ("R2", "N"), ("R3", "N"), ("R2", "Y")]:
        score(db, qs, db.scalar("SELECT id FROM record WHERE ref = ?", (ref,)), "1", value)
    whole = db.all("SELECT seq, ref, action FROM event WHERE audit_id = ? ORDER BY seq",
                   (audit.id,))
    monkeypatch.setattr(history, "EVENT_BATCH", 2)
    got = [(e.seq, e.ref, e.action) for e in ws(db).history_stream(audit.id)]
    assert got == whole and len(whole) > 4
    assert ws(db).history(audit.id) == list(ws(db).history_stream(audit.id))
    assert [e.seq for e in ws(db).history_stream(audit.id, "R2")] == [
        s for s, ref, _ in whole if ref == "R2"]
