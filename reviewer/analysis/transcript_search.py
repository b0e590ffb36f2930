"""Finding a phrase in transcripts (SPEC §12, docs/listening.md): whole words, ignoring case and
accents (Unicode NFKD with the combining marks dropped, then casefold), so "cafe" finds "Café"
and "asked" does not find "unasked". ``near`` lets each word differ by a small edit
(rapidfuzz's Levenshtein distance: 1 for words of up to 5 letters, 2 for longer ones).

Takes transcripts as data: ``(ref, segments)`` in record order; hits come in record order,
then time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from reviewer.files.recordings import format_time
from reviewer.files.transcripts import Segment

WORD_RE = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class Hit:
    ref: str
    start: float
    end: float
    text: str
    speaker: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def fold(text: str) -> str:
    """Lower case without accents: ``Café`` -> ``cafe``, ``Straße`` -> ``strasse``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return [w.replace("’", "'") for w in WORD_RE.findall(fold(text))]


def _allowed(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def _same(a: str, b: str, near: bool) -> bool:
    if a == b:
        return True
    if not near or abs(len(a) - len(b)) > _allowed(b):
        return False
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b, score_cutoff=_allowed(b)) <= _allowed(b)


def matches(line_words: Sequence[str], phrase: Sequence[str], near: bool = False) -> bool:
    """Whether ``phrase`` occurs as consecutive whole words of the line."""
    n = len(phrase)
    if n == 0 or n > len(line_words):
        return False
    for i in range(len(line_words) - n + 1):
        if all(_same(line_words[i + k], phrase[k], near) for k in range(n)):
            return True
    return False


def search(transcripts: Iterable[tuple[str, Sequence[Segment]]], phrase: str,
           near: bool = False) -> list[Hit]:
    wanted = words(phrase)
    if not wanted:
        return []
    first = wanted[0]
    hits = []
    for ref, segments in transcripts:
        for s in segments:
            if not near and first not in fold(s.text):
                continue              # a quick substring test before splitting into words
            if matches(words(s.text), wanted, near):
                hits.append(Hit(ref, s.start, s.end, s.text, s.speaker))
    return hits


def hit_line(hit: Hit) -> str:
    """``REF  MM:SS  line text`` (``H:MM:SS`` from an hour on)."""
    return f"{hit.ref}  {format_time(int(hit.start * 1000))}  {hit.text}"
