"""Timed notes out to and in from Audacity label files (docs/listening.md, contracts §12): a
label for each ``[mm:ss]`` time in a record's notes, and a label file's labels added to them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.errors import NotFound, ReviewerError
from reviewer.files.audacity import Label, read_labels, write_labels
from reviewer.files.recordings import timestamp, timestamps
from reviewer.ops.core import OpResult
from reviewer.ops.scoring import set_notes
from reviewer.questions.model import QuestionSet
from reviewer.workspace import Workspace

if TYPE_CHECKING:
    from reviewer.ops.disclose import Disclosure


def note_labels(qs: QuestionSet, notes: dict[str, str]) -> list[Label]:
    """A label for each timestamp in the notes: ``QID: the note without its times``."""
    out = []
    for q in qs.questions:
        note = notes.get(q.id, "")
        found = timestamps(note)
        if not found:
            continue
        text = note
        for start, end, _ in reversed(found):
            text = text[:start] + text[end:]
        text = " ".join(text.split())
        out.extend(Label(ms / 1000, ms / 1000, f"{q.id}: {text}" if text else f"{q.id}:")
                   for _, _, ms in found)
    return sorted(out, key=lambda x: x.start)


def _record(ws: Workspace, audit_id: int, ref: str):
    rid = ws.find_ref(audit_id, ref)
    if rid is None:
        raise NotFound(f"no record '{ref}' in this audit")
    return rid


def export_notes(ws: Workspace, audit_id: int, ref: str, out: str | Path,
                 disclosure: Disclosure | None = None) -> OpResult[int]:
    """Write the record's timed notes to an Audacity label file; the number of labels. A
    disclosure (with its purpose and recipient, docs/evidence.md), written as every output is
    (docs/safe-files.md, "Outputs")."""
    from reviewer.ops.disclose import exported

    qs = ws.question_set(ws.audit_by_id(audit_id))
    view = ws.record(qs, _record(ws, audit_id, ref))
    labels = note_labels(qs, {q: view.note(q) for q in view.rows})

    def write_file(path: Path) -> int:
        write_labels(path, labels)
        return len(labels)

    return exported(ws, [audit_id], f"timed notes of {ref}", out, write_file, disclosure)


def import_notes(ws: Workspace, audit_id: int, ref: str, path: str | Path,
                 question: str | None = None) -> OpResult:
    """Add each label of an Audacity label file to the record's notes as ``text [mm:ss]``: on
    the question its text starts with (``3: ...``), else on ``question`` (default: the set's
    first question). A label already in the note is left alone, so importing a file twice adds
    nothing."""
    qs = ws.question_set(ws.audit_by_id(audit_id))
    if question is not None and question not in qs.by_id:
        raise ReviewerError(f"the audit's question set has no question '{question}'")
    labels = read_labels(path)
    question = question or qs.questions[0].id
    rid = _record(ws, audit_id, ref)
    view = ws.record(qs, rid)
    notes = {q: view.note(q) for q in qs.by_id}
    added = 0
    for label in labels:
        head, sep, rest = label.text.partition(":")
        qid, text = (head.strip(), rest.strip()) if sep and head.strip() in qs.by_id \
            else (question, label.text)
        piece = f"{text} {timestamp(int(label.start * 1000))}".strip()
        if piece not in notes[qid]:
            notes[qid] = f"{notes[qid]} {piece}".strip()
            added += 1
    changed = {q: n for q, n in notes.items() if n != view.note(q)}
    done = set_notes(ws, audit_id, qs, rid, changed, detail=f"labels from {Path(path).name}")
    return OpResult(added, done.changes, f"{added} label(s) added to the notes of {ref}; "
                                         f"{len(labels) - added} already there")
