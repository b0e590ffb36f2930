"""The notice line above the scoring screen's questions: what the open audit allows (signed
off, calibration), and for a newcomer what to do next and which keys answer."""

from __future__ import annotations

from reviewer.outputs.tally_format import sign_off_line
from reviewer.store.audits import AuditInfo

KEYS = ("answer the selected question with Y, N or A (n/a), or 1–9 for a choice; Up/Down move "
        "between questions, PgDn goes to the next record, Ctrl+Z undoes, F1 lists every key.")


def notice_text(audit: AuditInfo | None) -> str:
    """The notice for ``audit``, or "" when there is nothing to say."""
    if audit is None:
        return ""
    if audit.signed_off:
        return (f"{sign_off_line(audit)}: its records and answers are read-only. Audit ▸ "
                "Reopen… (Ctrl+Shift+R) reopens it, with a reason.")
    if not audit.records:
        return ("This audit has no records yet. Ctrl+D imports an incident list and draws a "
                "sample from it; Ctrl+I imports an answer table. Then answer with Y, N, A "
                "(n/a) or 1–9, move with Up/Down, and press F1 for every key.")
    if audit.calibrates is not None:
        return ("Calibration audit: score it blind — the main audit's answers are not shown "
                "while you score. To score: " + KEYS)
    if audit.complete == 0:                 # nothing scored yet: say how to score
        return "Nothing is scored yet: " + KEYS
    return ""
