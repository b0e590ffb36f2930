"""A pseudonymised answer table (docs/evidence.md): each ``ref`` replaced by its keyed pseudonym
(``store.policy.pseudonym``), notes and record fields dropped except those kept. The layout is
the answer table's, so the file imports into a new audit with the same tally."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from reviewer.answer_columns import AnswerColumns
from reviewer.errors import ReviewerError
from reviewer.files.answer_table import note_header
from reviewer.files.exporter import _table
from reviewer.files.tables import TABLE_SUFFIXES, write_columns
from reviewer.private import check_extension


def check_pseudonymised_file(path: str | Path) -> None:
    check_extension(path, TABLE_SUFFIXES, "an answer table")


def export_pseudonymised(c: AnswerColumns, audit_name: str, pseudonym: Callable[[str], str],
                         path: str | Path, keep: Sequence[str],
                         warn: Callable[[str], None] | None = None) -> int:
    """Write the audit's answer columns ``c`` with each ref replaced by ``pseudonym(ref)`` and
    only the fields and notes named in ``keep``; the number of records."""
    check_pseudonymised_file(path)
    notes = {note_header(qid): qid for qid in c.notes}
    unknown = [k for k in keep if k not in c.fields and k not in notes]
    if unknown:
        known = ", ".join(c.fields) or "none"
        raise ReviewerError(f"--keep {unknown[0]}: no such record field in '{audit_name}' "
                            f"(fields: {known}); nothing was written")
    c.refs = [pseudonym(ref) for ref in c.refs]
    c.fields = {name: values for name, values in c.fields.items() if name in keep}
    c.notes = {qid: values for qid, values in c.notes.items() if note_header(qid) in keep}
    header, columns = _table(c)
    write_columns(path, header, columns, warn=warn)
    return len(c)
