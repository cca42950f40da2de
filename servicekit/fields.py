"""Validated request fields shared by the three services: what a person may type into a text, an email
address, a date. A value outside them is refused at the edge (422 naming the field) instead of
failing in PostgreSQL (which refuses a NUL in a text and dates past its range) or in an email header.

The JSON bodies use the types (msgspec checks them while decoding); the participant CSV uses the
same rules through `text_problem` and `email_problem`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import msgspec

from schemas.events import Bilingual

# No NUL, no C0 or C1 control character, no DEL. Multi-line text keeps tabs and line breaks.
LINE_PATTERN = "^[^\x00-\x1f\x7f-\x9f]*$"
PROSE_PATTERN = "^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
# Exactly one address (addr-spec): no display name, no list, no spaces or quotes; the domain has a dot.
_ATOM = r"[^\s@\",;:<>()\[\]\\.\x00-\x1f\x7f]+"
EMAIL_PATTERN = rf"^{_ATOM}(\.{_ATOM})*@{_ATOM}(\.{_ATOM})+$"

# What each pattern means, for the problem's detail (msgspec names only the regex).
MEANING = {
    LINE_PATTERN: "must not contain a NUL, a line break or another control character",
    PROSE_PATTERN: "must not contain a NUL or a control character (line breaks and tabs are fine)",
    EMAIL_PATTERN: "must be exactly one email address, like ten@example.org",
}

Line = Annotated[str, msgspec.Meta(max_length=1000, pattern=LINE_PATTERN)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=300, pattern=LINE_PATTERN)]
Prose = Annotated[str, msgspec.Meta(max_length=100_000, pattern=PROSE_PATTERN)]
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=EMAIL_PATTERN)]

# Dates people set: within years 1900-9999, which PostgreSQL, Python and a calendar all agree on
# (0001-01-01T00:00:00+14:00 is a year before PostgreSQL's and Python's first).
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)  # a day short of the end: every offset still fits


class FieldProblem(ValueError):
    """Raised while a request Struct is checked; `decode_body` turns it into a 422 naming `field`."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"field `{field}`: {detail}")


def date_problem(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        if not EARLIEST <= moment <= LATEST:
            return "must be between the years 1900 and 9999"
    elif isinstance(value, dt.date) and not EARLIEST.date() <= value <= LATEST.date():
        return "must be between the years 1900 and 9999"
    return None


class Request(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A request body: unknown fields refused, every date and time within the sane range."""

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            problem = date_problem(getattr(self, name))
            if problem:
                raise FieldProblem(name, problem)


class BilingualText(Bilingual, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A one-line text in Vietnamese and English: either may be empty but not both."""

    vi: Annotated[str, msgspec.Meta(max_length=1000, pattern=LINE_PATTERN)] = ""
    en: Annotated[str, msgspec.Meta(max_length=1000, pattern=LINE_PATTERN)] = ""

    def __post_init__(self) -> None:
        if not (self.vi.strip() or self.en.strip()):
            raise ValueError("give the text in Vietnamese, English or both; both are empty")


class BilingualProse(Bilingual, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A longer text in Vietnamese and English (line breaks allowed); both may be empty."""

    vi: Annotated[str, msgspec.Meta(max_length=100_000, pattern=PROSE_PATTERN)] = ""
    en: Annotated[str, msgspec.Meta(max_length=100_000, pattern=PROSE_PATTERN)] = ""


class BilingualBody(BilingualProse, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A longer text in Vietnamese and English that must be given in at least one of them."""

    def __post_init__(self) -> None:
        if not (self.vi.strip() or self.en.strip()):
            raise ValueError("give the text in Vietnamese, English or both; both are empty")


_LINE = re.compile(LINE_PATTERN)
_PROSE = re.compile(PROSE_PATTERN)
_EMAIL = re.compile(EMAIL_PATTERN)


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` cannot be kept as a text, or None (the rule of `Line` / `Prose`, for CSV cells)."""
    pattern = PROSE_PATTERN if multiline else LINE_PATTERN
    return None if (_PROSE if multiline else _LINE).match(value) else MEANING[pattern]


def email_problem(value: str) -> str | None:
    if len(value) > 254 or not _EMAIL.match(value):
        return MEANING[EMAIL_PATTERN]
    return None


def explain(message: str) -> str:
    """msgspec's "Expected `str` matching regex '…'" said in words, when the regex is one of ours."""
    for pattern, meaning in MEANING.items():
        said = f"Expected `str` matching regex {pattern!r}"
        if said in message:
            return message.replace(said, meaning)
    return message
