"""SQLite: an import's merge made before the write lock, and whether it still holds under it
(docs/performance.md, "An updating import's merge before the lock (SQLite)").

Before the lock, in the staging transaction's read snapshot, the importer matches the file's
refs and makes the whole merge into its temporary tables (``store.merge``), numbering the
events after the chain's head; :func:`snapshot` keeps what each matched record was then: its
answers' pack as stored (the base its entries may count from, and its event), its fields and its
completeness. Under the lock, after the refs are matched again,
:func:`unchanged` says whether the merge can be written as made: the same records matched,
and none of them changed since (an answer, a note, a field, or the record gone). Any other
writer's work meanwhile only moves the chain's head, which the seqs are offset past. Should
anything differ, the merge is made again under the lock, as it was before.
"""

from __future__ import annotations

from reviewer.store import scratch
from reviewer.store.db import Database
from reviewer.store.staging import STAGE

SEEN = "merge_seen"      # the matched records as the merge read them


def snapshot(db: Database) -> None:
    """Keep each matched record's pack, fields and completeness as they are now, and the
    file's version as this read sees it (``PRAGMA data_version``: it changes when another
    connection commits)."""
    db.snapshot_version = int(db.scalar("PRAGMA data_version"))
    db.execute(f"DROP TABLE IF EXISTS {SEEN}")
    # keyed by the staged row (file order ``k``), which the merge's passes go through; the
    # records read in their own order, whatever the file's, from the (record, row) pairs
    # sorted first (docs/performance.md, "A re-import in another order")
    db.execute(f"CREATE {scratch.table(db, SEEN)} (k INTEGER PRIMARY KEY, rid INTEGER NOT NULL, "
               "pack TEXT, base INTEGER, pseq INTEGER, fields TEXT NOT NULL, "
               "complete INTEGER NOT NULL)")
    db.execute(f"INSERT INTO {SEEN} SELECT x.k, x.rid, p.pack, p.base_seq, p.event_seq, "
               "r.fields, r.complete "
               f"FROM (SELECT rid, k FROM {STAGE} WHERE rid IS NOT NULL ORDER BY rid LIMIT -1) x "
               "JOIN record r ON r.id = x.rid LEFT JOIN answer_pack p ON p.record_id = x.rid "
               "ORDER BY x.k")


def unchanged(db: Database) -> bool:
    """Under the write lock, the refs matched again: whether the same staged rows match the
    same records as in the :func:`snapshot`, and each record's pack, fields and completeness
    are still as they were: at once where no other connection committed since (the file's
    version the same; this one wrote only its working tables meanwhile)."""
    version, db.snapshot_version = db.snapshot_version, None
    if not scratch.exists(db, SEEN):
        return False
    if version is not None and int(db.scalar("PRAGMA data_version")) == version:
        return True
    matched = db.scalar(f"SELECT COUNT(*) FROM {STAGE} WHERE rid IS NOT NULL")
    if matched != db.scalar(f"SELECT COUNT(*) FROM {SEEN}"):
        return False
    moved = db.scalar(f"SELECT 1 FROM {STAGE} s LEFT JOIN {SEEN} m ON m.k = s.k "
                      "WHERE s.rid IS NOT NULL AND m.rid IS NOT s.rid LIMIT 1")
    if moved:
        return False
    return not db.scalar(f"SELECT 1 FROM {SEEN} m LEFT JOIN record r ON r.id = m.rid "
                         "LEFT JOIN answer_pack p ON p.record_id = m.rid "
                         "WHERE r.id IS NULL OR r.fields IS NOT m.fields "
                         "OR r.complete IS NOT m.complete OR p.pack IS NOT m.pack "
                         "OR p.base_seq IS NOT m.base OR p.event_seq IS NOT m.pseq LIMIT 1")


def drop(db: Database) -> None:
    db.execute(f"DROP TABLE IF EXISTS {SEEN}")
