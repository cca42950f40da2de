"""Exports as CSV, XLSX or JSON, streamed: rows come from a server-side cursor and leave in chunks, so
100,000 rows never sit in memory. Column headers are in the caller's language (`lang`, else
Accept-Language); moments are ISO 8601 with the meeting's offset, dates ISO 8601.

XLSX is a zip whose directory comes last, so it cannot leave before its last row: XlsxWriter in
constant-memory mode writes each row to a temporary file as it comes, and the finished file is sent
in chunks. CSV and JSON leave as the rows are read."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import os
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
import xlsxwriter
from aiohttp import web

Format = Literal["csv", "xlsx", "json"]
Language = Literal["vi", "en"]

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
CHUNK = 64 * 1024
# XlsxWriter's limit for one cell's text (Excel's own).
XLSX_CELL_MAX = 32767
XLSX_BATCH = 2000


@dataclass(frozen=True)
class Column:
    key: str  # the JSON field name, in every language
    vi: str
    en: str

    def header(self, lang: Language) -> str:
        return self.vi if lang == "vi" else self.en


def language(request: web.Request, asked: str | None) -> Language:
    """`lang` when given, else the first of vi/en the browser's Accept-Language names, else vi."""
    if asked in ("vi", "en"):
        return asked  # type: ignore[return-value]  # one of the two languages, checked just above
    for part in request.headers.get("Accept-Language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("vi"):
            return "vi"
    return "vi"


def zone(name: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(name) if name else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def cell(value: Any, tz: dt.tzinfo = dt.UTC) -> Any:
    """A value as it appears in every format: moments in the given zone with their offset, dates and
    ids as ISO text, lists joined by `; `."""
    if isinstance(value, dt.datetime):
        return value.astimezone(tz).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(cell(v, tz)) for v in value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# A spreadsheet program opening a CSV runs a cell that starts with one of these as a formula
# ("=HYPERLINK(...)" typed into a title): such a text gets a leading apostrophe, as OWASP advises.
# Programs trim leading blanks and fold the full-width and small forms (＝ ﹦ ＋ ﹢ － ﹣ ＠ ﹫) into
# the ASCII ones, so a cell is judged by its first character that is not blank, after NFKC; U+2212
# (MINUS SIGN), which NFKC leaves as it is, counts as "-".
_FORMULA_START = frozenset("=+-@\u2212")


def _blank(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs")


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet program could read `text`, as a CSV cell, as a formula."""
    if text[:1] in ("\t", "\r"):
        return True
    for ch in text:
        if not _blank(ch):
            return unicodedata.normalize("NFKC", ch)[:1] in _FORMULA_START
    return False


def _inert(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and runs_as_formula(value):
        return "'" + value
    return value


class CsvRows:
    """CSV text a row at a time, every cell inert in a spreadsheet program."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        # Every text is quoted, so a program that splits on ";" or a tab (as spreadsheet programs in many
        # locales do) keeps "x;=1+1" one cell instead of reading "=1+1" as a cell of its own.
        self.writer = csv.writer(self.buffer, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)

    def head(self, headers: list[str]) -> bytes:
        self.writer.writerow(headers)
        return "\ufeff".encode() + self.take()  # the BOM makes spreadsheet programs read UTF-8

    def row(self, values: Sequence[Any]) -> bytes:
        self.writer.writerow([_inert(v) for v in values])
        return self.take()

    def take(self) -> bytes:
        data = self.buffer.getvalue().encode()
        self.buffer.seek(0)
        self.buffer.truncate()
        return data


async def stream(
    request: web.Request,
    *,
    fmt: Format,
    lang: Language,
    filename: str,
    columns: Sequence[Column],
    rows: AsyncIterator[Sequence[Any]],
) -> web.StreamResponse:
    """Answer with the rows (each a sequence of cells in `columns` order) in the asked format."""
    response = web.StreamResponse(
        headers={
            "Content-Type": CONTENT_TYPES[fmt],
            "Content-Disposition": f'attachment; filename="{filename}.{fmt}"',
            "Content-Language": lang,
            "Cache-Control": "no-store",
        }
    )
    if fmt == "xlsx":
        return await _xlsx(request, response, lang, columns, rows)
    await response.prepare(request)
    pending: list[bytes] = []
    size = 0

    async def put(data: bytes) -> None:
        nonlocal size
        pending.append(data)
        size += len(data)
        if size >= CHUNK:
            await flush()

    async def flush() -> None:
        nonlocal size
        if pending:
            await response.write(b"".join(pending))
            pending.clear()
            size = 0

    if fmt == "csv":
        out = CsvRows()
        await put(out.head([c.header(lang) for c in columns]))
        async for values in rows:
            await put(out.row(values))
    else:
        keys = [c.key for c in columns]
        await put(b'{"items":[')
        first = True
        async for values in rows:
            await put((b"" if first else b",") + msgspec.json.encode(dict(zip(keys, values, strict=True))))
            first = False
        await put(b"]}")
    await flush()
    await response.write_eof()
    return response


async def _xlsx(
    request: web.Request,
    response: web.StreamResponse,
    lang: Language,
    columns: Sequence[Column],
    rows: AsyncIterator[Sequence[Any]],
) -> web.StreamResponse:
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        book = xlsxwriter.Workbook(
            path, {"constant_memory": True, "strings_to_urls": False, "strings_to_formulas": False}
        )
        sheet = book.add_worksheet()
        bold = book.add_format({"bold": True})
        for i, c in enumerate(columns):
            sheet.write_string(0, i, c.header(lang), bold)
        written = 1

        def put(batch: list[Sequence[Any]], first: int) -> None:
            for n, values in enumerate(batch, first):
                for i, v in enumerate(values):
                    if isinstance(v, bool):
                        sheet.write_boolean(n, i, v)
                    elif isinstance(v, int | float):
                        sheet.write_number(n, i, v)
                    elif v is not None and v != "":
                        # text as text: a title starting with "=" stays a title, never a formula
                        sheet.write_string(n, i, str(v)[:XLSX_CELL_MAX])

        # rows are written in a worker thread, a batch at a time (one at a time: the workbook is not
        # shared), so a large export does not hold the event loop
        batch: list[Sequence[Any]] = []
        async for values in rows:
            batch.append(values)
            if len(batch) >= XLSX_BATCH:
                await asyncio.to_thread(put, batch, written)
                written += len(batch)
                batch = []
        await asyncio.to_thread(put, batch, written)
        sheet.freeze_panes(1, 0)
        await asyncio.to_thread(book.close)
        response.content_length = os.stat(path).st_size
        await response.prepare(request)
        with open(path, "rb") as f:  # noqa: ASYNC230 - a local temporary file, read in chunks
            while chunk := f.read(CHUNK):
                await response.write(chunk)
        await response.write_eof()
        return response
    finally:
        os.unlink(path)
