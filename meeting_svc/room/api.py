"""Request and response bodies of running the room: the current item, lists of speakers, the projector."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from schemas.events import Bilingual, MotionKind, MotionPreset, PollResult, SpeakerKind, SpeakerStatus
from servicekit.fields import LINE_PATTERN, BilingualText, Request

Seconds = Annotated[int, msgspec.Meta(ge=1, le=24 * 3600)]
ProjectorMode = Literal["item", "speakers", "vote"]


class ItemMove(Request, kw_only=True):
    """`next`, `previous`, `jump` (to `item_id`) or `end` (leave the current item, none after it)."""

    move: Literal["next", "previous", "jump", "end"]
    item_id: uuid.UUID | None = None


class ProjectorChoice(Request, kw_only=True):
    mode: ProjectorMode


class SpeakerRequest(Request, kw_only=True):
    """A participant asks for themself; the chair or secretary (or an organiser) names `participant_id`."""

    kind: SpeakerKind = "contribution"
    participant_id: uuid.UUID | None = None


class SpeakerOrder(Request, kw_only=True):
    speaker_ids: list[uuid.UUID]


class SpeakerListPatch(Request, kw_only=True, omit_defaults=True):
    closed: bool | msgspec.UnsetType = msgspec.UNSET
    allow_repeat: bool | msgspec.UnsetType = msgspec.UNSET
    speaking_seconds: Seconds | msgspec.UnsetType | None = msgspec.UNSET
    # department id -> seconds the department may speak under the item
    department_budgets: dict[uuid.UUID, Seconds] | msgspec.UnsetType = msgspec.UNSET


class DisplayCreate(Request, kw_only=True):
    label: Annotated[str, msgspec.Meta(max_length=200, pattern=LINE_PATTERN)] = ""


class SpeakerEntry(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    participant_id: uuid.UUID
    name: str
    department_id: uuid.UUID | None
    kind: SpeakerKind
    status: SpeakerStatus
    requested_at: dt.datetime
    started_at: dt.datetime | None
    paused_at: dt.datetime | None
    paused_seconds: float
    ended_at: dt.datetime | None
    allotted_seconds: int | None
    # the countdown when the answer was made (negative: over time); clients count from server_time
    remaining_seconds: float | None


class SpokenEntry(SpeakerEntry, kw_only=True):
    item_id: uuid.UUID
    spoken_seconds: float


class SpokenList(msgspec.Struct, kw_only=True):
    """Everyone who took the floor, item by item (for the meeting's record)."""

    items: list[SpokenEntry]


class Budget(msgspec.Struct, kw_only=True):
    department_id: uuid.UUID
    seconds: int
    used_seconds: float


class SpeakerList(msgspec.Struct, kw_only=True):
    """An item's list: the current speaker first, then those waiting in order, then those who spoke
    (and withdrew). Times are the server's; `server_time` lets a client correct for its clock's offset."""

    item_id: uuid.UUID
    server_time: dt.datetime
    closed: bool
    allow_repeat: bool
    speaking_seconds: int | None
    budgets: list[Budget]
    speakers: list[SpeakerEntry]


class RoomItem(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    position: int
    title: Bilingual
    kind: str
    presenter: str | None
    planned_minutes: int | None
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    slot_ends_at: dt.datetime | None


class Room(msgspec.Struct, kw_only=True):
    """Where the meeting stands now: every item with when it ran, the current one, and its list."""

    meeting_id: uuid.UUID
    status: str
    server_time: dt.datetime
    projector_mode: ProjectorMode
    current_item_id: uuid.UUID | None
    items: list[RoomItem]
    speakers: SpeakerList | None


class Display(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    label: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    # the link to open on the room's screen: in the answer that creates it only
    url: str | None = None


class DisplayList(msgspec.Struct, kw_only=True):
    items: list[Display]


class ScreenPoll(msgspec.Struct, kw_only=True):
    """The vote in progress (its turnout: counts only) or the last one decided (its result)."""

    poll_id: uuid.UUID
    question: Bilingual
    secret: bool
    status: Literal["open", "closed"]
    eligible_count: int | None
    voted_count: int | None
    result: PollResult | None


class DisplayRoom(msgspec.Struct, kw_only=True):
    """What the room's screen shows: public facts only (no contact details, nothing personal)."""

    meeting_id: uuid.UUID
    title: Bilingual
    timezone: str
    present_count: int
    present_weight: int
    room: Room
    vote: ScreenPoll | None = None


class MotionCreate(Request, kw_only=True):
    """A procedural motion, or an amendment to `resolution_id`, during the current item (or `item_id`)."""

    kind: MotionKind
    text: BilingualText
    item_id: uuid.UUID | None = None
    resolution_id: uuid.UUID | None = None


class MotionAdmit(Request, kw_only=True):
    preset: MotionPreset = "simple_majority"
    secret: bool = False


class Motion(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    item_id: uuid.UUID | None
    proposer_id: uuid.UUID
    proposer_name: str
    kind: MotionKind
    text: Bilingual
    resolution_id: uuid.UUID | None
    status: Literal["proposed", "admitted", "rejected"]
    preset: MotionPreset | None
    secret: bool
    proposed_at: dt.datetime
    decided_at: dt.datetime | None
    # once admitted: the poll resolution_svc prepares for it (a draft the chair opens)
    poll_id: uuid.UUID | None


class MotionList(msgspec.Struct, kw_only=True):
    items: list[Motion]
