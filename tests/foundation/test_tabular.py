"""The export writer on its own, over a real HTTP server: thousands of rows (more than one XLSX batch) come
back equal from CSV (csv), XLSX (openpyxl) and JSON, headers in the asked language, moments with their
offset, and a formula typed as text never runs in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import AsyncIterator, Sequence
from typing import Any

import openpyxl
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from servicekit.tabular import XLSX_BATCH, Column, cell, language, stream, zone

COLUMNS = (Column("n", "Số", "Number"), Column("title", "Tiêu đề", "Title"), Column("at", "Lúc", "At"))
ROWS = XLSX_BATCH * 2 + 17
START = dt.datetime(2021, 1, 14, 6, 30, tzinfo=dt.UTC)


def expected(n: int) -> list[Any]:
    title = "=1+1" if n == 5 else f"Nhiệm vụ {n}"
    return [n, title, cell(START + dt.timedelta(minutes=n), zone("Asia/Ho_Chi_Minh"))]


async def handler(request: web.Request) -> web.StreamResponse:
    async def rows() -> AsyncIterator[Sequence[Any]]:
        for n in range(ROWS):
            yield expected(n)

    fmt = request.query["format"]
    lang = language(request, request.query.get("lang"))
    return await stream(request, fmt=fmt, lang=lang, filename="rows", columns=COLUMNS, rows=rows())  # type: ignore[arg-type]


async def test_every_format_gives_back_every_row() -> None:
    app = web.Application()
    app.router.add_get("/rows", handler)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/rows", params={"format": "csv"}, headers={"Accept-Language": "en-US,vi;q=0.5"})
        assert response.headers["Content-Language"] == "en"
        header, *rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
        assert header == ["Number", "Title", "At"] and len(rows) == ROWS
        assert rows[7] == ["7", "Nhiệm vụ 7", "2021-01-14T13:37:00+07:00"]
        assert rows[5][1] == "'=1+1"

        response = await client.get("/rows", params={"format": "xlsx", "lang": "vi"})
        book = openpyxl.load_workbook(io.BytesIO(await response.read()), read_only=True)
        header, *cells = [list(r) for r in book.active.iter_rows(values_only=True)]
        assert header == ["Số", "Tiêu đề", "Lúc"]
        assert cells == [expected(n) for n in range(ROWS)]  # the formula stays text in XLSX

        response = await client.get("/rows", params={"format": "json"})
        assert response.headers["Content-Language"] == "vi"
        items = (await response.json())["items"]
        assert items == [dict(zip(("n", "title", "at"), expected(n), strict=True)) for n in range(ROWS)]
