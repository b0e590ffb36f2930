"""Finding a phrase in transcripts (docs/listening.md, contracts §12): whole words, ignoring case
and
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
    machine: bool = False          # from a machine transcript (shown as such; not in JSON)

    def to_dict(self) -> dict:
        d = asdict(self)
        del d["machine"]
        return d


def fold(text: str) -> str:
    """Lower case without accents: ``Café`` -> ``cafe``, ``Straße`` -> ``strasse``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return [w.replace("’", "'") for w in WORD_RE.findall(fold(text))]


def _allowed(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def folded_lines(segments: Sequence[Segment]) -> str:
    """The segments' texts folded, one a line (what :func:`search` looks in; cacheable)."""
    return "\n".join(fold(s.text) for s in segments)


def _alternatives(word: str, vocabulary: set[str]) -> list[str]:
    """The words of the transcripts within a small edit of ``word`` (and the word itself)."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    found = process.extract(word, vocabulary, scorer=Levenshtein.distance,
                            score_cutoff=_allowed(word), limit=None)
    return sorted({word, *(w for w, _, _ in found)}, key=lambda w: (-len(w), w))


def phrase_pattern(wanted: Sequence[Sequence[str]]) -> re.Pattern[str]:
    """Consecutive whole words (as :data:`WORD_RE` cuts them: an apostrophe between letters
    joins), each one of its alternatives, anything but letters between."""
    parts = ["(?:" + "|".join(re.escape(a).replace("'", "['’]") for a in alts) + ")"
             for alts in wanted]
    between = r"(?:[^\w'’]\W*|['’]\W+)"
    # It begins with the words themselves, so the regex engine can skip ahead to them; where
    # a match begins is checked by :func:`_starts_word` (a lookbehind here would be tried at
    # every character).
    return re.compile(between.join(parts) + r"(?!['’]?\w)")


def _starts_word(text: str, at: int) -> bool:
    """Whether ``at`` begins a word: no letter before it, nor a letter and an apostrophe."""
    if at == 0:
        return True
    before = text[at - 1]
    if before.isalnum() or before == "_":
        return False
    return not (before in "'’" and at > 1 and (text[at - 2].isalnum() or text[at - 2] == "_"))


Transcripts = Iterable[tuple]     # (ref, segments[, folded text[, machine]])


def search(transcripts: Transcripts, phrase: str, near: bool = False) -> list[Hit]:
    """Every line that says ``phrase``; ``transcripts`` are ``(ref, segments)`` or, with the
    folded text already made (:func:`folded_lines`), ``(ref, segments, folded)``, and whether
    it is a machine transcript: ``(ref, segments, folded, machine)``."""
    wanted = words(phrase)
    if not wanted:
        return []
    items = [(t[0], t[1], t[2] if len(t) > 2 else folded_lines(t[1]), len(t) > 3 and t[3])
             for t in transcripts]
    if near:
        vocabulary = {w for _, _, text, _ in items for w in WORD_RE.findall(text)}
        pattern = phrase_pattern([_alternatives(w, vocabulary) for w in wanted])
    else:
        pattern = phrase_pattern([[w] for w in wanted])
    hits = []
    for ref, segments, text, machine in items:
        last, at = -1, 0
        while (m := pattern.search(text, at)) is not None:
            at = m.start() + 1
            if not _starts_word(text, m.start()):
                continue
            row = text.count("\n", 0, m.start())
            if row != last:
                s = segments[row]         # a Segment, or its [start, end, text, speaker]
                line = (s.start, s.end, s.text, s.speaker) if isinstance(s, Segment) else s
                hits.append(Hit(ref, *line, machine=bool(machine)))
                last = row
    return hits


def hit_line(hit: Hit) -> str:
    """``REF  MM:SS  line text`` (``H:MM:SS`` from an hour on)."""
    return f"{hit.ref}  {format_time(int(hit.start * 1000))}  {hit.text}"
