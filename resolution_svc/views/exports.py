"""Decisions and directives exported as CSV, XLSX or JSON, streamed from a server-side cursor."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Literal

from aiohttp import web

from resolution_svc import directives_db
from resolution_svc.exports import (
    BALLOT_COLUMNS,
    DECISION_COLUMNS,
    DIRECTIVE_COLUMNS,
    TALLY_COLUMNS,
    ballot_cells,
    decision_cells,
    directive_cells,
    tally_rows,
)
from resolution_svc.views.access import caller, follow_up_only, pool
from resolution_svc.views.ballots import closed_poll
from schemas import events as ev
from servicekit.fields import Request
from servicekit.http import Problem, convert_query
from servicekit.sessions import not_allowed
from servicekit.tabular import Format, Language, language, stream
from servicekit.tokens import Claims


class ExportQuery(Request, kw_only=True):
    format: Format = "csv"
    lang: Literal["vi", "en"] | None = None
    meeting_id: uuid.UUID | None = None


class PollExportQuery(Request, kw_only=True):
    format: Format = "csv"
    lang: Literal["vi", "en"] | None = None


class DirectiveExportQuery(ExportQuery, kw_only=True):
    department: uuid.UUID | None = None
    status: ev.DirectiveStatus | None = None
    overdue: bool = False
    due_from: dt.date | None = None
    due_to: dt.date | None = None


class DecisionExportQuery(ExportQuery, kw_only=True):
    closed_from: dt.datetime | None = None
    closed_to: dt.datetime | None = None
    outcome: ev.Outcome | None = None


def _meeting_of(claims: Claims, asked: uuid.UUID | None) -> uuid.UUID | None:
    """An organiser exports across the organisation; a participant only their own meeting."""
    if claims.kind == "participant":
        if asked not in (None, claims.meeting):
            raise Problem(404, "Not found", "no such meeting")
        return claims.meeting
    return asked


async def _export(
    request: web.Request,
    *,
    fmt: Format,
    lang: Language,
    filename: str,
    columns: Sequence[Any],
    cursor: Callable[[Any], Any],
    cells: Callable[[Any, Language], Sequence[Any]],
) -> web.StreamResponse:
    async with pool(request).acquire() as conn, conn.transaction(readonly=True):

        async def rows() -> AsyncIterator[Sequence[Any]]:
            async for row in cursor(conn):
                yield cells(row, lang)

        return await stream(request, fmt=fmt, lang=lang, filename=filename, columns=columns, rows=rows())


async def export_directives(request: web.Request) -> web.StreamResponse:
    claims = caller(request)
    q = convert_query(dict(request.query), DirectiveExportQuery)
    department = q.department
    if follow_up_only(request):  # after the meeting: their department's open directives only, as in the list
        if department not in (None, claims.department):
            raise not_allowed()
        department = claims.department
    filters = {
        "org": claims.org,
        "meeting_id": _meeting_of(claims, q.meeting_id),
        "department": department,
        "status": q.status,
        "due_from": q.due_from,
        "due_to": q.due_to,
        "overdue": q.overdue,
        "open_only": follow_up_only(request),
    }
    now = dt.datetime.now(dt.UTC)
    departments = await directives_db.department_names(pool(request), claims.org)
    return await _export(
        request,
        fmt=q.format,
        lang=language(request, q.lang),
        filename="directives",
        columns=DIRECTIVE_COLUMNS,
        cursor=lambda conn: directives_db.export_directives(conn, filters, now),
        cells=lambda row, lang: directive_cells(row, lang, departments),
    )


async def export_decisions(request: web.Request) -> web.StreamResponse:
    claims = caller(request)
    q = convert_query(dict(request.query), DecisionExportQuery)
    filters = {
        "org": claims.org,
        "meeting_id": _meeting_of(claims, q.meeting_id),
        "closed_from": q.closed_from,
        "closed_to": q.closed_to,
        "outcome": q.outcome,
    }
    return await _export(
        request,
        fmt=q.format,
        lang=language(request, q.lang),
        filename="decisions",
        columns=DECISION_COLUMNS,
        cursor=lambda conn: directives_db.export_decisions(conn, filters),
        cells=decision_cells,
    )


async def export_poll_result(request: web.Request) -> web.StreamResponse:
    """A closed poll's count per option; the rule, quorum and outcome are in the decisions export."""
    q = convert_query(dict(request.query), PollExportQuery)
    poll = await closed_poll(request)

    async def rows() -> AsyncIterator[Sequence[Any]]:
        for row in tally_rows(poll["result"]):
            yield row

    lang = language(request, q.lang)
    return await stream(request, fmt=q.format, lang=lang, filename="result", columns=TALLY_COLUMNS, rows=rows())


async def export_named_ballots(request: web.Request) -> web.StreamResponse:
    """Who voted what in a named poll, after it closed (a secret poll has none: its receipts say it)."""
    q = convert_query(dict(request.query), PollExportQuery)
    poll = await closed_poll(request)
    if poll["secret"]:
        raise Problem(404, "Not found", "a secret poll has no named ballots; see its receipts")
    return await _export(
        request,
        fmt=q.format,
        lang=language(request, q.lang),
        filename="ballots",
        columns=BALLOT_COLUMNS,
        cursor=lambda conn: directives_db.export_named_ballots(conn, poll["id"]),
        cells=lambda row, _lang: ballot_cells(row, poll["timezone"]),
    )
