"""docs/contracts.md §5 cell rules (reviewer/files/cells.py): formula-like text gets one leading ',
reading takes it off again, for every text; XLSX loses only the characters it cannot hold."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from reviewer.files.cells import NUMBER_RE, SafeCells, neutralise, restore, restore_row

TRIGGERS = "=+-@\t\r'"


@pytest.mark.parametrize("text, written", [
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("http://x","y")', "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+1", "'+1"),                       # kept as text (a phone number keeps its +)
    ("+44 20 7946 0000", "'+44 20 7946 0000"),
    ("-x", "'-x"),
    ("-", "'-"),
    ("@a", "'@a"),
    ("\tA", "'\tA"),
    ("\rA", "'\rA"),
    ("'q", "''q"),
    ("''q", "'''q"),
    ("-2", "-2"),                        # plain numbers are left alone
    ("-0.5", "-0.5"),
    ("-1e3", "-1e3"),
    ("1e3", "1e3"),
    ("", ""),
    ("plain", "plain"),
    (" =x", " =x"),                      # not at the start
    ("a=b", "a=b"),
])
def test_neutralise(text, written):
    assert neutralise(text) == written
    assert restore(written) == text


@pytest.mark.parametrize("cell, value", [
    ("'=1+1", "=1+1"), ("''q", "'q"), ("'q", "'q"), ("'", "'"), ("'-2", "-2"),
    ("it's", "it's"), ("'\tx", "\tx"), ("=1+1", "=1+1"),
])
def test_restore_takes_one_quote_before_a_trigger_only(cell, value):
    assert restore(cell) == value


@given(st.text())
def test_round_trip_for_every_text(text):
    written = neutralise(text)
    assert restore(written) == text
    assert restore_row([written, "x"]) == [text, "x"]
    # Nothing written starts a formula: a risky first character is behind a quote, unless the
    # text is a plain number.
    if written[:1] in set("=+-@\t\r"):
        assert NUMBER_RE.fullmatch(written) and written == text


@given(st.text(alphabet=st.sampled_from(list(TRIGGERS) + ["a", "1", ".", "e"]), max_size=8))
def test_round_trip_for_trigger_heavy_text(text):
    assert restore(neutralise(text)) == text
    assert SafeCells().row([text]) in ([neutralise(text)], (neutralise(text),))


@given(st.text())
def test_xlsx_cells_hold_only_what_xlsx_can(text):
    cells = SafeCells(xlsx=True)
    safe = cells.text(text)
    assert not ILLEGAL_CHARACTERS_RE.search(safe)
    kept = [c for c in text if not ILLEGAL_CHARACTERS_RE.match(c)
            and not 0xD800 <= ord(c) <= 0xDFFF and c not in "\ufffe\uffff"]
    assert cells.removed == len(text) - len(kept)
    assert restore(safe) == "".join(kept)


def test_rows_and_columns():
    cells = SafeCells(xlsx=True)
    assert cells.row(["a", 1, None, "=x"]) == ["a", 1, None, "'=x"]
    assert cells.column(["v\x0bt", "v\x0bt", "ok", "-x"]) == ["vt", "vt", "ok", "'-x"]
    assert cells.removed == 2
    assert cells.warning("out.xlsx") == ("out.xlsx: 2 control characters that XLSX cannot hold "
                                         "were left out")
    assert SafeCells().warning("x.csv") is None
    row = ("plain", "text")
    assert SafeCells().row(row) is row                    # nothing to change: no copy
