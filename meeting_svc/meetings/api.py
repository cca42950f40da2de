"""Request and response bodies of meetings, their agenda and notification policy."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from schemas.events import AgendaKind, Bilingual, Venue
from schemas.notices import Audience, Delivery, Notice, NoticeKind
from servicekit.fields import (
    LINE_PATTERN,
    PROSE_PATTERN,
    BilingualProse,
    BilingualText,
    Line,
    Request,
)

Minutes = Annotated[int, msgspec.Meta(ge=0, le=24 * 60)]
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=LINE_PATTERN)]
# A link participants open from their pages: web addresses only (never `javascript:` or `data:`).
WebLink = Annotated[str, msgspec.Meta(pattern="^https?://[^\\s\x00-\x1f\x7f-\x9f]+$", max_length=2000)]


class VenueIn(Venue, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=300, pattern=LINE_PATTERN)]
    address: Annotated[str, msgspec.Meta(max_length=1000, pattern=LINE_PATTERN)] = ""


class MeetingCreate(Request, kw_only=True):
    title: BilingualText
    description: BilingualProse = BilingualProse()
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: TimeZone
    venue: VenueIn | None = None
    online_url: WebLink | None = None
    # Records a meeting held in the past: its times may be past and nothing is ever sent for it.
    record_only: bool = False
    # false: participants cannot check themselves in; the chair or secretary does it at the desk
    self_check_in: bool = True


class MeetingPatch(Request, kw_only=True, omit_defaults=True):
    title: BilingualText | msgspec.UnsetType = msgspec.UNSET
    description: BilingualProse | msgspec.UnsetType = msgspec.UNSET
    starts_at: dt.datetime | msgspec.UnsetType = msgspec.UNSET
    ends_at: dt.datetime | msgspec.UnsetType = msgspec.UNSET
    timezone: TimeZone | msgspec.UnsetType = msgspec.UNSET
    venue: VenueIn | msgspec.UnsetType | None = msgspec.UNSET
    online_url: WebLink | msgspec.UnsetType | None = msgspec.UNSET
    self_check_in: bool | msgspec.UnsetType = msgspec.UNSET


class NoticeRule(Request, kw_only=True):
    audience: Audience = "all"
    delivery: Delivery = "immediate"


class NotificationPolicyIn(Request, kw_only=True):
    """The rules per kind of notice; a kind left out gets its default again."""

    rules: dict[NoticeKind, NoticeRule]


class NotificationPolicy(msgspec.Struct, kw_only=True):
    """The rules as applied, every kind, with those the organiser set (`set`) and the defaults."""

    rules: dict[str, Notice]
    set: list[str]  # the kinds the organiser chose; the others follow the defaults
    in_room: bool  # the meeting has a venue and no online link: a vote is announced in the room
    version: int


class Transition(Request, kw_only=True):
    reason: Annotated[str, msgspec.Meta(max_length=2000, pattern=PROSE_PATTERN)] = ""


class AgendaItemCreate(Request, kw_only=True):
    title: BilingualText
    kind: AgendaKind
    presenter: Line | None = None
    planned_minutes: Minutes | None = None
    contribution_request_id: uuid.UUID | None = None
    resolution_id: uuid.UUID | None = None
    position: Annotated[int, msgspec.Meta(ge=1)] | None = None  # default: last


class AgendaItemPatch(Request, kw_only=True, omit_defaults=True):
    title: BilingualText | msgspec.UnsetType = msgspec.UNSET
    kind: AgendaKind | msgspec.UnsetType = msgspec.UNSET
    presenter: Line | msgspec.UnsetType | None = msgspec.UNSET
    planned_minutes: Minutes | msgspec.UnsetType | None = msgspec.UNSET
    contribution_request_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    resolution_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET


class AgendaOrder(Request, kw_only=True):
    item_ids: list[uuid.UUID]


class AgendaItem(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    position: int
    title: Bilingual
    kind: AgendaKind
    presenter: str | None
    planned_minutes: int | None
    contribution_request_id: uuid.UUID | None
    resolution_id: uuid.UUID | None


class Agenda(msgspec.Struct, kw_only=True):
    """The whole agenda, in order; its ETag is the agenda's version."""

    items: list[AgendaItem]


class Meeting(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organisation_id: uuid.UUID
    title: Bilingual
    description: Bilingual
    starts_at: dt.datetime  # in the meeting's time zone
    ends_at: dt.datetime
    timezone: str
    venue: Venue | None
    online_url: str | None
    status: str
    version: int
    agenda_version: int
    record_only: bool = False
    self_check_in: bool = True
    agenda: list[AgendaItem] | None = None


class MeetingList(msgspec.Struct, kw_only=True):
    items: list[Meeting]


class MeetingDuplicate(Request, kw_only=True):
    title: BilingualText
    starts_at: dt.datetime
    ends_at: dt.datetime
    participants: bool = True  # the people with their departments, roles and weights (fresh invite links)
