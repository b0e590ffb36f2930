"""A pseudonymised answer table (docs/evidence.md): each ``ref`` replaced by its keyed pseudonym
(``store.policy.pseudonym``), notes and record fields dropped except those kept. The layout is
the answer table's, so the file imports into a new audit with the same tally."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from reviewer.answer_columns import AnswerColumns, AnswerTable, FieldsChanged
from reviewer.errors import ReviewerError
from reviewer.files.answer_table import note_header
from reviewer.files.exporter import table_header, write_batches
from reviewer.files.tables import TABLE_SUFFIXES
from reviewer.private import check_extension


def check_pseudonymised_file(path: str | Path) -> None:
    check_extension(path, TABLE_SUFFIXES, "an answer table")


def export_pseudonymised(t: AnswerTable, audit_name: str, pseudonym: Callable[[str], str],
                         path: str | Path, keep: Sequence[str],
                         warn: Callable[[str], None] | None = None) -> int:
    """Write the audit's answer table ``t`` with each ref replaced by ``pseudonym(ref)`` and
    only the fields and notes named in ``keep``; the number of records."""
    check_pseudonymised_file(path)
    notes = {note_header(qid): qid for qid in t.noted}
    unknown = [k for k in keep if k not in t.fields and k not in notes]
    if unknown and t.guessed:
        raise FieldsChanged(unknown[0])       # perhaps a field of later records only
    if unknown:
        known = ", ".join(t.fields) or "none"
        raise ReviewerError(f"--keep {unknown[0]}: no such record field in '{audit_name}' "
                            f"(fields: {known}); nothing was written")
    kept = AnswerTable(t.qs, [f for f in t.fields if f in keep],
                       [q for q in t.noted if note_header(q) in keep], iter(()))

    def chunks() -> Iterator[AnswerColumns]:
        for c in t.chunks:
            c.refs = [pseudonym(ref) for ref in c.refs]
            c.fields = {name: values for name, values in c.fields.items() if name in keep}
            c.notes = {qid: values for qid, values in c.notes.items()
                       if note_header(qid) in keep}
            yield c
    return write_batches(path, table_header(kept), chunks(), warn)
