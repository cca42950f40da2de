"""Department contributions: position reports requested, submitted, revised, overdue."""

from __future__ import annotations

import datetime as dt
import uuid

from schemas.events.base import Bilingual, Event


class ContributionRequested(Event, frozen=True, kw_only=True, tag="contribution.requested"):
    request_id: uuid.UUID
    department_ids: list[uuid.UUID]
    topic: Bilingual
    guidance: str = ""
    deadline: dt.datetime
    allow_late: bool = False


class Submission(Event, frozen=True, kw_only=True):
    request_id: uuid.UUID
    submission_id: uuid.UUID
    department_id: uuid.UUID
    title: str
    revision: int
    late: bool = False


class ContributionSubmitted(Submission, frozen=True, kw_only=True, tag="contribution.submitted"):
    pass


class ContributionRevised(Submission, frozen=True, kw_only=True, tag="contribution.revised"):
    pass


class ContributionOverdue(Event, frozen=True, kw_only=True, tag="contribution.overdue"):
    request_id: uuid.UUID
    department_id: uuid.UUID
    deadline: dt.datetime


class ContributionReminded(Event, frozen=True, kw_only=True, tag="contribution.reminded"):
    """The secretariat reminded these departments (those without a report, unless it chose) of a request."""

    request_id: uuid.UUID
    department_ids: list[uuid.UUID]
    deadline: dt.datetime
