"""Request and response bodies of the contribution requests, position reports and reminders."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from schemas.events import Bilingual
from servicekit.fields import (
    LINE_PATTERN,
    PROSE_PATTERN,
    BilingualText,
    Prose,
    Request,
)

ContributionState = Literal["missing", "submitted", "revised", "late", "overdue"]


class ContributionRequestCreate(Request, kw_only=True):
    topic: BilingualText
    guidance: Prose = ""
    department_ids: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1)]
    deadline: dt.datetime
    allow_late: bool = False


class ContributionRequest(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    meeting_id: uuid.UUID
    topic: Bilingual
    guidance: str
    department_ids: list[uuid.UUID]
    deadline: dt.datetime
    allow_late: bool


class ContributionRequestList(msgspec.Struct, kw_only=True):
    items: list[ContributionRequest]


class SubmissionBody(Request, kw_only=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=LINE_PATTERN)]
    body: Annotated[str, msgspec.Meta(max_length=200_000, pattern=PROSE_PATTERN)]
    recommendations: list[Annotated[str, msgspec.Meta(min_length=1, max_length=2000, pattern=PROSE_PATTERN)]] = (
        msgspec.field(default_factory=list)
    )


class Revision(msgspec.Struct, kw_only=True):
    revision: int
    title: str
    body: str
    body_html: str
    recommendations: list[str]
    late: bool
    created_at: dt.datetime


class Submission(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    request_id: uuid.UUID
    department_id: uuid.UUID
    revision: int
    late: bool
    current: Revision


class RevisionList(msgspec.Struct, kw_only=True):
    items: list[Revision]


class ContributionStatus(msgspec.Struct, kw_only=True):
    request_id: uuid.UUID
    department_id: uuid.UUID
    status: ContributionState
    revisions: int
    deadline: dt.datetime
    submission_id: uuid.UUID | None = None  # the department's report, once submitted
    reminded_at: dt.datetime | None = None  # the secretariat's last reminder to the department


class ContributionStatusList(msgspec.Struct, kw_only=True):
    items: list[ContributionStatus]


class ReminderSend(Request, kw_only=True):
    # default: every department addressed that has not submitted
    department_ids: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1)] | None = None


class Reminded(msgspec.Struct, kw_only=True):
    department_ids: list[uuid.UUID]  # reminded now (none when every department has submitted)
