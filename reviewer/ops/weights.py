"""``reviewer audit population NAME FILE --by FIELD`` (docs/weighted.md): the population of each
stratum, so that a sample drawn at unequal fractions gets weighted estimates.

The file is a table (CSV or XLSX, header in row 1) with the columns ``stratum`` and
``population``. Every value of FIELD among the audit's records must be listed, each population a
whole number at least as large as the stratum's records; any problem is a located one-line error
(``FILE:ROW:COLUMN: message``) and nothing is stored. The figures are kept in the audit's sample
description under ``weights`` (``by``, ``population``, ``source``), with a ``population`` event.
"""

from __future__ import annotations

from pathlib import Path

from reviewer.errors import ReviewerError
from reviewer.ops.core import OpResult, write
from reviewer.store.audits import set_sample
from reviewer.store.history import Action
from reviewer.workspace import Workspace


def read_population(path: str | Path, records: dict[str, int]) -> dict[str, int]:
    """{stratum: population} from the file, checked against the records per stratum."""
    from reviewer.files.tables import read_table

    path = Path(path)
    header, rows = read_table(path)
    names = [h.strip().lower() for h in header]
    missing = [c for c in ("stratum", "population") if c not in names]
    if missing:
        raise ReviewerError(f"{path}:1: the file needs the columns stratum and population "
                            f"(missing: {', '.join(missing)})")
    s_col, p_col = names.index("stratum"), names.index("population")
    out: dict[str, int] = {}
    where: dict[str, int] = {}
    problems: list[str] = []
    for number, cells in rows:
        stratum, text = cells[s_col].strip(), cells[p_col].strip()
        at = f"{path}:{number}:{header[p_col]}"
        if stratum in where:
            problems.append(f"{path}:{number}:{header[s_col]}: stratum '{stratum}' is listed "
                            f"twice (also row {where[stratum]})")
            continue
        where[stratum] = number
        try:
            value = int(text.replace(",", ""))
        except ValueError:
            problems.append(f"{at}: the population must be a whole number, not '{text}'")
            continue
        if value < 1:
            problems.append(f"{at}: the population of stratum '{stratum}' must be at least 1, "
                            f"not {value}")
        elif value < records.get(stratum, 0):
            problems.append(f"{at}: stratum '{stratum}' has {records[stratum]} records in the "
                            f"audit, more than its population {value}")
        out[stratum] = value
    for stratum, n in records.items():
        if stratum not in where:
            problems.append(f"{path}:1: stratum '{stratum}' ({n} records of the audit) is "
                            "missing from the file")
    if problems:
        raise ReviewerError(problems)
    return out


def set_population(ws: Workspace, audit_id: int, path: str | Path,
                   by: str) -> OpResult[dict[str, int]]:
    from reviewer.analysis.weighted import unequal
    from reviewer.figures import tally_grouped
    from reviewer.store.counts import field_names

    with write(ws, audit_id, what="population figures") as tx:      # changes the figures
        fields = field_names(tx.db, tx.audit.id)
        if by not in fields:
            raise ReviewerError(f"the records of '{tx.audit.name}' have no field '{by}' "
                                f"(fields: {', '.join(fields) or 'none'})")
        _, groups = tally_grouped(tx.db, tx.audit, by)
        records = {value.strip(): g.records for value, g in groups}
        population = read_population(path, records)
        sample = dict(tx.audit.sample)
        sample["weights"] = {"by": by, "population": population, "source": Path(path).name}
        set_sample(tx.db, audit_id, sample)
        tx.event(Action.POPULATION, detail=f"{Path(path).name}: population of {len(population)} "
                                      f"strata by {by}")
    note = ("the strata were sampled at unequal fractions: tallies add weighted estimates"
            if unequal(records, population) else "the strata were sampled in proportion: "
            "figures need no weighting")
    return OpResult(population, tx.changes, f"recorded the population of {len(population)} "
                                            f"strata by {by} for '{tx.audit.name}'; {note}")
