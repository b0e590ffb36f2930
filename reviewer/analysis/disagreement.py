"""One record on which the audits compared gave different answers (docs/contracts.md §8): its
own module so that the agreement figures (``analysis.agreement``) and the streamed units they
are computed from (``analysis.agreement_units``) both use it without importing each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Disagreement:
    ref: str
    a: str
    b: str
    answers: tuple[str | None, ...] = ()      # every audit's answer (three or more audits)

    def to_dict(self) -> dict[str, Any]:
        if len(self.answers) > 2:
            return {"ref": self.ref, "answers": list(self.answers)}
        return {"ref": self.ref, "a": self.a, "b": self.b}
