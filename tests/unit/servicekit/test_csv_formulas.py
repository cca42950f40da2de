"""A CSV export opened in a spreadsheet program never runs what someone typed: every cell a program could
make of the file, whichever separator it guesses, trimming blanks and folding full-width forms, is text."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.tabular import CsvRows, runs_as_formula

FORMULA = "=+-@"


def spreadsheet_cells(data: bytes) -> list[str]:
    """The cells as a spreadsheet program may read them: a quoted field is one cell; an unquoted one may
    be split again on ";" or a tab (the separator of many locales); blanks around a cell are trimmed and
    compatibility forms folded (＝ → =)."""
    text = data.decode("utf-8-sig")
    cells = []
    for raw in _raw_fields(text):
        parts = [raw[1:-1].replace('""', '"')] if raw.startswith('"') else re.split(r"[;\t]", raw)
        cells += [unicodedata.normalize("NFKC", c).strip().lstrip("\u200b\ufeff") for c in parts]
    return cells


def _raw_fields(text: str) -> list[str]:
    """Every field of the file as written (quotes kept), split on commas and line ends outside quotes."""
    fields, field, quoted = [], "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if not quoted and ch in ",\r\n":
            fields.append(field)
            field = ""
        else:
            field += ch
    return [*fields, field]


def exported(values: list[object]) -> bytes:
    out = CsvRows()
    return out.head(["Tiêu đề"] * len(values)) + out.row(values)


def read_back(data: bytes) -> list[str]:
    _header, row = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return row


PAYLOADS = [
    "=1+1",
    " =1+1",  # a leading space, which some programs trim
    "\u00a0=1+1",  # a non-breaking space
    "\u3000=1+1",  # an ideographic space
    "\u200b=1+1",  # a zero-width space
    "＝1+1",  # full-width equals
    "﹦1+1",  # small equals
    "＋1+1",
    "－1+1",
    "\u22121+1",  # MINUS SIGN
    "＠SUM(A1)",
    "@SUM(A1)",
    "+1+1",
    "-1+1",
    "\t=1+1",
    "\r=1+1",
    "x;=1+1",  # a program splitting on ";" must not see "=1+1" alone
    "x\t=1+1",
    'x",=1+1',
    '=HYPERLINK("http://x")',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_typed_formula_stays_text_in_every_reading(payload: str) -> None:
    data = exported(["Nghị quyết", payload, 3])
    for c in spreadsheet_cells(data):
        assert not c.startswith(tuple(FORMULA)) or c.lstrip("+-").isdigit(), (payload, c)
    # read back as CSV, the cell is the text as typed, marked as text where it could run
    assert read_back(data)[1] == ("'" + payload if runs_as_formula(payload) else payload)


@pytest.mark.parametrize("text", ["Nguyễn Phú Quốc", "Đo lường; Thử nghiệm", "a = b", "1+1", "", "'=1+1"])
def test_ordinary_text_comes_back_as_typed(text: str) -> None:
    assert not runs_as_formula(text)
    assert read_back(exported([text]))[0] == text


def test_numbers_stay_numbers() -> None:
    data = exported([3, -2, 1.5, True])
    assert data.decode("utf-8-sig").splitlines()[1] == "3,-2,1.5,True"


TRICKY = st.sampled_from(list("=+-@ \t\r\n;,\"'x1\u00a0\u3000＝﹦＋－＠﹫\u2212\u200b\ufeff"))


@given(st.lists(st.text(TRICKY, max_size=8) | st.text(max_size=8), min_size=1, max_size=4))
def test_no_cell_of_any_reading_runs(values: list[str]) -> None:
    data = exported(list(values))
    assert read_back(data) == ["'" + v if runs_as_formula(v) else v for v in values]
    for c in spreadsheet_cells(data):
        assert not c.startswith(tuple(FORMULA)), (values, c)
