"""Text from users and files, made safe to show on a terminal (docs/safe-files.md, "Text on the
terminal").

A reviewer name, a note, a record's field or a ref can hold any character. Printed raw, an
escape (ESC), a bell, a carriage return or a right-to-left override can retitle a terminal,
clear the screen, hide part of a line or reverse it. :func:`printable` shows each such character
as an escape instead: ``\\x1b`` for the C0 and C1 controls and DEL, ``\\u202e`` for the bidi
embedding, override and isolate characters. :func:`control_characters` finds what a name may not
hold (audit names and reviewer names refuse them at the door).
"""

from __future__ import annotations

import re
import unicodedata

NOT_IN_NAMES = ("Cc", "Cf", "Zl", "Zp")     # Unicode categories a name may not hold
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f" + BIDI + "]")
_UNSAFE_IN_JSON = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f" + BIDI + "]")   # not \n


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, keep: str = "") -> str:
    """``text`` with every control character (C0, DEL, C1) and bidi override escaped;
    the characters in ``keep`` (e.g. ``"\\n\\t"`` for a whole table) are left as they are."""
    text = str(text)
    if not keep:
        return _UNSAFE.sub(_escape, text)
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)


def json_printable(text: str) -> str:
    """JSON text with the controls that ``json.dumps(ensure_ascii=False)`` leaves raw (DEL, the
    C1 controls, bidi overrides) written as ``\\uXXXX`` escapes: the same JSON value, safe on a
    terminal (they can only stand inside strings, where the escape means the same character)."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def control_characters(text: str) -> list[str]:
    """The distinct characters a name may not hold, as ``U+XXXX`` in code order: controls (C0,
    DEL, C1), format characters (bidi overrides, zero-width ones) and line/paragraph
    separators — the rule for audit names and reviewer names alike."""
    return [f"U+{ord(c):04X}" for c in sorted(set(text))
            if unicodedata.category(c) in NOT_IN_NAMES]


class EscapingWriter:
    """A text stream that writes everything through :func:`printable` (or
    :func:`json_printable` for a JSON document) to ``stream``: the command line's last guard, so
    no value from a file or a person reaches the terminal as a control."""

    def __init__(self, stream, keep: str = "\n\t", json: bool = False):
        self._stream = stream
        self._keep = keep
        self._json = json

    def write(self, text: str) -> int:
        self._stream.write(json_printable(text) if self._json else printable(text, self._keep))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)
