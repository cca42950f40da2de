"""Resolutions, amendments, polls and directives."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

import msgspec

from schemas.events.base import Bilingual, DirectiveStatus, Event, Language, Outcome


class Directive(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    title: Bilingual
    description: str = ""
    department_ids: list[uuid.UUID]
    due_date: dt.date | None = None
    priority: Literal["low", "normal", "high"] = "normal"


class ResolutionDrafted(Event, frozen=True, kw_only=True, tag="resolution.drafted"):
    resolution_id: uuid.UUID
    title: Bilingual
    text: Bilingual
    directives: list[Directive] = []


class ResolutionAmended(Event, frozen=True, kw_only=True, tag="resolution.amended"):
    resolution_id: uuid.UUID
    version: int
    title: Bilingual
    text: Bilingual
    directives: list[Directive] = []
    amendment_id: uuid.UUID | None = None


class PassageChange(msgspec.Struct, frozen=True, kw_only=True):
    """One part of a resolution's text in one language, as it stood in the amendment's base version
    (`start`..`end` in that text), and what replaces it."""

    language: Language
    start: int
    end: int
    original: str
    replacement: str


class AmendmentProposed(Event, frozen=True, kw_only=True, tag="amendment.proposed"):
    amendment_id: uuid.UUID
    resolution_id: uuid.UUID
    proposer_id: uuid.UUID
    text: Bilingual  # the whole text as the amendment would make it of the base version
    base_version: int | None = None  # the resolution's version it was written against
    changes: list[PassageChange] = []  # the parts it changes; merged one by one when accepted


class AmendmentAccepted(Event, frozen=True, kw_only=True, tag="amendment.accepted"):
    amendment_id: uuid.UUID
    resolution_id: uuid.UUID
    version: int | None = None  # the resolution's version with the amendment merged


class AmendmentRejected(Event, frozen=True, kw_only=True, tag="amendment.rejected"):
    amendment_id: uuid.UUID
    resolution_id: uuid.UUID
    # "conflict": adopted by a vote, but a part it changes had changed since its base version
    reason: str | None = None


class PollCreated(Event, frozen=True, kw_only=True, tag="poll.created"):
    """A poll prepared (still a draft), so the chair's page and the projector list it at once."""

    poll_id: uuid.UUID
    question: Bilingual
    options: list[str]
    secret: bool
    motion: str
    resolution_id: uuid.UUID | None = None
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None


class PollOpened(Event, frozen=True, kw_only=True, tag="poll.opened"):
    poll_id: uuid.UUID
    question: Bilingual
    options: list[str]
    secret: bool
    closes_at: dt.datetime | None = None
    eligible_count: int
    eligible_weight: int
    resolution_id: uuid.UUID | None = None
    # the roster counts every meeting_svc event of the meeting up to this meeting_seq
    meeting_position: int | None = None


class TurnoutChanged(Event, frozen=True, kw_only=True, tag="poll.turnout_changed"):
    """Counts only: never who voted, so it is safe for secret polls too."""

    poll_id: uuid.UUID
    voted_count: int
    voted_weight: int
    eligible_count: int
    eligible_weight: int


class OptionTally(msgspec.Struct, frozen=True, kw_only=True):
    option: str
    count: int
    weight: int


class PollResult(msgspec.Struct, frozen=True, kw_only=True):
    tallies: list[OptionTally]
    base: str
    base_weight: int
    threshold: str
    required_weight: str  # an exact fraction, e.g. "40/3"
    quorum_met: bool
    outcome: Outcome
    # What the result was measured on (auditable): the roster, who was present when the poll closed,
    # who took part, the quorum rule applied and the figure compared with it.
    eligible_count: int = 0
    eligible_weight: int = 0
    present_count: int = 0
    present_weight: int = 0
    participating_count: int = 0
    participating_weight: int = 0
    quorum_rule: str | None = None  # e.g. "present weight >= 1/2 of eligible weight (50/1) and count >= 60"
    quorum_figures: list[str] = []  # e.g. ["present weight 100", "present count 100"]


class PollClosed(Event, frozen=True, kw_only=True, tag="poll.closed"):
    poll_id: uuid.UUID
    resolution_id: uuid.UUID | None = None
    result: PollResult
    # presence and the roster count every meeting_svc event of the meeting up to this meeting_seq
    meeting_position: int | None = None
    reason: Literal["chair", "schedule", "meeting_ended", "meeting_cancelled"] | None = None


class ResolutionAdopted(Event, frozen=True, kw_only=True, tag="resolution.adopted"):
    resolution_id: uuid.UUID
    poll_id: uuid.UUID
    title: Bilingual
    directives: list[Directive] = []


class ResolutionRejected(Event, frozen=True, kw_only=True, tag="resolution.rejected"):
    resolution_id: uuid.UUID
    poll_id: uuid.UUID
    outcome: Outcome


class DirectiveIssued(Event, frozen=True, kw_only=True, tag="directive.issued"):
    directive: Directive
    resolution_id: uuid.UUID


class DirectiveStatusChanged(Event, frozen=True, kw_only=True, tag="directive.status_changed"):
    directive_id: uuid.UUID
    status: DirectiveStatus
    note: str = ""
    # the department the report was made for (None: an organiser's own note) and its entry in the
    # directive's progress history; the author is the event's `actor`
    department_id: uuid.UUID | None = None
    progress_id: uuid.UUID | None = None


class DirectiveOverdue(Event, frozen=True, kw_only=True, tag="directive.overdue"):
    directive_id: uuid.UUID
    department_ids: list[uuid.UUID]
    due_date: dt.date
