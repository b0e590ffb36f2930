"""Operations that fill an audit with records: import an incident list (the population), draw a
dip sample from it, link call recordings to the records. Each is one transaction with its
history event (``incident-list``, ``sample``, ``link-recordings``)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from reviewer.analysis.sampling import (
    SIMPLE,
    STRATIFIED,
    SampleResult,
    choose,
    sample_size,
)
from reviewer.errors import Progress, ReviewerError
from reviewer.files.incidents import read_incident_list
from reviewer.files.recordings import LinkResult, match_recordings
from reviewer.ops.core import OpResult, require_role, write
from reviewer.ops.import_steps import file_sha256
from reviewer.outputs.sample_text import describe
from reviewer.store import audits, incidents, records
from reviewer.store.history import Action
from reviewer.store.ids import next_id, next_seq
from reviewer.workspace import Workspace


def import_incident_list(ws: Workspace, audit_id: int, path: str | Path, ref_column: str,
                         progress: Progress | None = None) -> OpResult[int]:
    """Make the file the audit's population (see ``files.incidents``); the number of
    incidents."""
    require_role(ws, "lead", "importing an incident list")
    path = Path(path)
    with write(ws, audit_id, what="an incident list import") as tx:
        n, info, rows = read_incident_list(path, ref_column)
        incidents.replace_list(tx.db, audit_id, rows, n, info, progress)
        tx.event(Action.INCIDENT_LIST, detail=f"{path.name} sha256={file_sha256(path)} rows={n} "
                                         f"ref column '{ref_column}'")
    return OpResult(n, tx.changes, f"imported {n:,} incidents from {path.name}")


def draw_sample(ws: Workspace, audit_id: int, size: int | None = None,
                percent: float | None = None, seed: int | None = None,
                stratify_by: str | None = None,
                progress: Progress | None = None) -> OpResult[SampleResult]:
    """Draw a sample from the audit's incident list and append it to the audit's records
    (reproducible from the seed; see ``analysis.sampling``)."""
    require_role(ws, "lead", "drawing a sample")
    stratify_by = stratify_by or None
    # the imports' lock first (PostgreSQL): an import writes its new records before the write
    # lock, and a sample drawing the same refs would wait for them while holding that lock
    # (docs/performance.md, "Imports and scorers")
    with write(ws, audit_id, what="drawing a sample", late=True) as tx:
        tx.lock()
        db, audit = tx.db, tx.audit
        info = incidents.incident_list_info(db, audit_id)
        columns = incidents.incident_columns(db, audit_id)
        if stratify_by is not None and stratify_by not in columns:
            raise ReviewerError(f"the incident list has no column '{stratify_by}' to stratify "
                                f"by (columns: {', '.join(columns) or 'none'})")
        rows = incidents.incidents(db, audit_id, stratify_by)
        if not rows:
            raise ReviewerError(f"audit '{audit.name}' has no incident list: import one before "
                                "drawing a sample")
        n = sample_size(len(rows), size, percent)
        seed = secrets.randbelow(10**6) if seed is None else seed
        if progress:
            progress(0, n)
        chosen, strata, strata_population = choose(rows, n, seed, stratify_by is not None)
        picked = [rows[i] for i in chosen]
        existing = set(records.refs(db, audit_id))
        new = [r for r in picked if r[1] not in existing]
        skipped = [r[1] for r in picked if r[1] in existing]
        first_id, first_seq = next_id(db, "record"), next_seq(db, "record", audit_id)
        records.insert(db, audit_id, [(first_id + k, first_seq + k, r[1],
                                       json.loads(r[2] or "{}"), False)
                                      for k, r in enumerate(new)])
        description: dict[str, Any] = {
            "population": len(rows), "size": n, "method": SIMPLE if stratify_by is None
            else STRATIFIED, "seed": seed, "drawn_at": tx.now, "source": info.get("source", ""),
            "added": len(new), "skipped": len(skipped)}
        if stratify_by is not None:
            description.update(stratify_by=stratify_by, strata=strata,
                               strata_population=strata_population)
        audits.set_sample(db, audit_id, description)
        tx.event(Action.SAMPLE, detail=f"{describe(description)}; {len(new)} records added, "
                                  f"{len(skipped)} already in the audit")
    if progress:
        progress(n, n)
    result = SampleResult(population=len(rows), size=n, seed=seed,
                          method=description["method"], refs=[r[1] for r in picked],
                          added=len(new), skipped=skipped, strata=strata,
                          description=description)
    return OpResult(result, tx.changes,
                    f"drew {n} of {len(rows):,} ({result.method}, seed {seed}); "
                    f"{len(new)} records added")


def link_recordings(ws: Workspace, audit_id: int, folder: str | Path) -> OpResult[LinkResult]:
    """Store, in each record's ``audio`` field, the absolute path of the file named by its
    ref (``files.recordings.match_recordings``)."""
    with write(ws, audit_id, what="linking recordings") as tx:
        rows = records.id_fields(tx.db, audit_id)
        result, updates = match_recordings(folder, rows)
        records.set_fields(tx.db, audit_id, [(fields, rid) for rid, fields in updates])
        tx.event(Action.LINK_RECORDINGS, detail=f"{Path(folder)}: {len(result.matched)} linked, "
                                           f"{len(result.unmatched_files)} files unmatched, "
                                           f"{len(result.records_without_file)} records "
                                           "without a recording")
    return OpResult(result, tx.changes, result.summary().splitlines()[0])
