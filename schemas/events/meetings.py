"""Meetings and their agenda."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from schemas.events.base import AgendaKind, Bilingual, Event
from schemas.notices import Notice


class Venue(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    address: str = ""


class MeetingFacts(Event, frozen=True, kw_only=True):
    organisation_id: uuid.UUID
    title: Bilingual
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    status: str
    venue: Venue | None = None
    online_url: str | None = None
    # A meeting recorded after the fact: nobody is emailed about it.
    record_only: bool = False
    # False: participants cannot check themselves in; check-in happens at the desk.
    self_check_in: bool = True
    # The organiser's rules per kind of notice (schemas.notices); None or a kind left out: the default.
    notification_policy: dict[str, Notice] | None = None


class MeetingCreated(MeetingFacts, frozen=True, kw_only=True, tag="meeting.created"):
    pass


class MeetingScheduled(MeetingFacts, frozen=True, kw_only=True, tag="meeting.scheduled"):
    pass


class MeetingUpdated(MeetingFacts, frozen=True, kw_only=True, tag="meeting.updated"):
    pass


class MeetingRescheduled(MeetingFacts, frozen=True, kw_only=True, tag="meeting.rescheduled"):
    previous_starts_at: dt.datetime
    previous_ends_at: dt.datetime


class MeetingCancelled(Event, frozen=True, kw_only=True, tag="meeting.cancelled"):
    reason: str = ""


class MeetingStarted(Event, frozen=True, kw_only=True, tag="meeting.started"):
    pass


class MeetingEnded(Event, frozen=True, kw_only=True, tag="meeting.ended"):
    pass


# --- agenda -------------------------------------------------------------------------------------


class AgendaItem(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    position: int
    title: Bilingual
    kind: AgendaKind
    presenter: str | None = None
    planned_minutes: int | None = None
    contribution_request_id: uuid.UUID | None = None
    resolution_id: uuid.UUID | None = None


class AgendaItemAdded(Event, frozen=True, kw_only=True, tag="agenda.item_added"):
    item: AgendaItem


class AgendaItemUpdated(Event, frozen=True, kw_only=True, tag="agenda.item_updated"):
    item: AgendaItem


class AgendaItemRemoved(Event, frozen=True, kw_only=True, tag="agenda.item_removed"):
    item_id: uuid.UUID


class AgendaReordered(Event, frozen=True, kw_only=True, tag="agenda.reordered"):
    item_ids: list[uuid.UUID]


class AgendaItemStarted(Event, frozen=True, kw_only=True, tag="agenda.item_started"):
    """The room moved to this item: it is the meeting's current item from `started_at`."""

    item_id: uuid.UUID
    started_at: dt.datetime
    planned_minutes: int | None = None


class AgendaItemEnded(Event, frozen=True, kw_only=True, tag="agenda.item_ended"):
    """The room left this item (next, previous, jump, or the meeting ended)."""

    item_id: uuid.UUID
    started_at: dt.datetime
    ended_at: dt.datetime
