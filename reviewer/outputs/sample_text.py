"""The stored sample (``audit.sample``, written by ``ops.sampling``) in words, in one place:
the report's and workbook's fields (:func:`sample_description`), a few words for a list of
audits (:func:`summary`) and one line for the history and messages (:func:`describe`)."""

from __future__ import annotations

from typing import Any

# The sample description is stored by whoever draws the sample; accept the usual key spellings.
SAMPLE_KEYS: dict[str, tuple[str, ...]] = {
    "population": ("population", "population_size", "population_description", "source"),
    "size": ("size", "sample_size", "n"),
    "method": ("method", "sampling_method"),
    "seed": ("seed", "random_seed"),
    "drawn": ("drawn", "drawn_at", "date_drawn", "date", "created_at"),
}
SAMPLE_LABELS = {"population": "Population", "size": "Sample size", "method": "Method",
                 "seed": "Seed", "drawn": "Date drawn"}


def _text(value: Any, grouped: bool) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if grouped else str(value)      # a seed is printed as typed
    return str(value)


def sample_description(sample: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, names in SAMPLE_KEYS.items():
        for name in names:
            text = _text(sample.get(name), grouped=key in ("size", "population"))
            if text:
                if key == "drawn" and len(text) > 10 and text[4:5] == "-":
                    text = text[:10]             # an ISO timestamp: the date is enough
                out[key] = text
                break
    # As reviewer.sampling stores it: a count of incidents, the list's file, the strata field.
    if isinstance(sample.get("population"), int) and sample.get("source"):
        out["population"] += f" incidents in {sample['source']}"
    if out.get("method") and sample.get("stratify_by"):
        out["method"] += f" by {sample['stratify_by']}"
    return out


def summary(sample: dict[str, Any], records: int) -> str:
    """A few words for a list of audits: "100 of 4,210 (stratified, seed 42)", or where the
    records came from when no sample was drawn."""
    if not sample.get("size"):
        return "imported records" if records else "no records yet"
    seed = f", seed {_text(sample['seed'], False)}" if sample.get("seed") is not None else ""
    return (f"{_text(sample['size'], True)} of {_text(sample.get('population', 0), True)} "
            f"({sample.get('method', '?')}{seed})")


def describe(sample: dict[str, Any]) -> str:
    """One line for people: "100 of 4,210 incidents, stratified (proportional) by area, seed 42"."""
    if not sample.get("size"):
        return "no sample drawn"
    by = f" by {sample['stratify_by']}" if sample.get("stratify_by") else ""
    source = f" from {sample['source']}" if sample.get("source") else ""
    return (f"{_text(sample['size'], True)} of {_text(sample['population'], True)} "
            f"incidents{source}, {sample['method']}{by}, seed {_text(sample['seed'], False)}, "
            f"drawn {sample.get('drawn_at', '')}")
