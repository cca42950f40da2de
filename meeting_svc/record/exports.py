"""The meeting's attendance exported as CSV, XLSX or JSON, streamed from a server-side cursor."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, Literal

from aiohttp import web

from meeting_svc.access import STAFF, caller, pool, require, visible_meeting
from meeting_svc.record import db
from meeting_svc.record.export_columns import ATTENDANCE_COLUMNS, attendance_cells
from servicekit.fields import Request
from servicekit.http import convert_query
from servicekit.tabular import Format, language, stream


class ExportQuery(Request, kw_only=True):
    format: Format = "csv"
    lang: Literal["vi", "en"] | None = None


async def export_attendance(request: web.Request) -> web.StreamResponse:
    claims = await caller(request)
    require(claims, STAFF, "exporting attendance")
    q = convert_query(dict(request.query), ExportQuery)
    meeting = await visible_meeting(request, claims)
    lang = language(request, q.lang)
    async with pool(request).acquire() as conn, conn.transaction(readonly=True):

        async def rows() -> AsyncIterator[Sequence[Any]]:
            async for row in db.attendance(conn, meeting["id"]):
                yield attendance_cells(row, lang)

        return await stream(
            request, fmt=q.format, lang=lang, filename="attendance", columns=ATTENDANCE_COLUMNS, rows=rows()
        )
