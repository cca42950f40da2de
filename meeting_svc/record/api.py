"""Request and response bodies of the record's routes: calendar feeds and the minutes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from servicekit.fields import (
    BilingualProse,
    Request,
)


class CalendarFeed(msgspec.Struct, kw_only=True):
    """A secret URL to subscribe to in a calendar program (iCalendar); keep it private."""

    url: str


class SummaryBody(Request, kw_only=True):
    """The secretary's summary of what happened under one agenda item, in Vietnamese and English."""

    summary: BilingualProse


class ApproveBody(Request, kw_only=True):
    # The national motto heads the document; an organisation outside the state sector may leave it out.
    national_motto: bool = True


class MinutesDraft(msgspec.Struct, kw_only=True):
    """The minutes as drafted now from the recorded facts and the secretary's summaries."""

    content_hash: str
    html: str
    content: dict[str, Any]


class MinutesVersion(msgspec.Struct, kw_only=True):
    version: int
    content_hash: str
    approved_by: uuid.UUID | None
    approved_at: dt.datetime
    html: str | None = None


class MinutesVersions(msgspec.Struct, kw_only=True):
    items: list[MinutesVersion]
