"""The room: lists of speakers, the projector, motions from the floor."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

import msgspec

from schemas.events.base import Bilingual, Event

SpeakerKind = Literal["contribution", "pro", "contra", "point_of_order", "reply"]
SpeakerStatus = Literal["waiting", "speaking", "paused", "done", "withdrawn"]


class Speaker(msgspec.Struct, frozen=True, kw_only=True):
    """One entry of an item's list of speakers, as it stands after the event. A countdown is derived
    from the stored times: remaining = allotted - (now - started_at - paused_seconds - time paused now)."""

    id: uuid.UUID
    item_id: uuid.UUID
    participant_id: uuid.UUID
    name: str
    department_id: uuid.UUID | None = None
    kind: SpeakerKind
    status: SpeakerStatus
    requested_at: dt.datetime
    started_at: dt.datetime | None = None
    paused_at: dt.datetime | None = None
    paused_seconds: float = 0.0
    ended_at: dt.datetime | None = None
    allotted_seconds: int | None = None


class SpeakerEvent(Event, frozen=True, kw_only=True):
    speaker: Speaker


class SpeakerRequested(SpeakerEvent, frozen=True, kw_only=True, tag="speaker.requested"):
    """A participant asked to speak (or the chair put someone on the list: `actor` says who)."""


class SpeakerWithdrawn(SpeakerEvent, frozen=True, kw_only=True, tag="speaker.withdrawn"):
    pass


class SpeakerStarted(SpeakerEvent, frozen=True, kw_only=True, tag="speaker.started"):
    pass


class SpeakerPaused(SpeakerEvent, frozen=True, kw_only=True, tag="speaker.paused"):
    pass


class SpeakerResumed(SpeakerEvent, frozen=True, kw_only=True, tag="speaker.resumed"):
    pass


class SpeakerEnded(SpeakerEvent, frozen=True, kw_only=True, tag="speaker.ended"):
    pass


class SpeakersReordered(Event, frozen=True, kw_only=True, tag="speaker.list_reordered"):
    item_id: uuid.UUID
    speaker_ids: list[uuid.UUID]  # the waiting speakers, in their new order


class SpeakerListChanged(Event, frozen=True, kw_only=True, tag="speaker.list_changed"):
    """The list was closed, reopened or its rules changed."""

    item_id: uuid.UUID
    closed: bool
    allow_repeat: bool
    speaking_seconds: int | None = None
    department_budgets: dict[str, int] = {}  # department id -> seconds for the item


class ProjectorChanged(Event, frozen=True, kw_only=True, tag="room.projector_changed"):
    """What the chair put on the room's screen."""

    mode: Literal["item", "speakers", "vote"]


# --- motions from the floor -------------------------------------------------------------------------

MotionKind = Literal["procedural", "amendment"]
# How an admitted motion's poll decides (resolution_svc turns a preset into the poll's rules):
# simple_majority: more than half of the votes cast; two_thirds: at least 2/3 of the votes cast;
# absolute_majority: more than half of all eligible weight.
MotionPreset = Literal["simple_majority", "two_thirds", "absolute_majority"]


class MotionFacts(Event, frozen=True, kw_only=True):
    motion_id: uuid.UUID
    item_id: uuid.UUID | None = None
    proposer_id: uuid.UUID
    kind: MotionKind
    text: Bilingual
    resolution_id: uuid.UUID | None = None  # the resolution an amendment would change


class MotionProposed(MotionFacts, frozen=True, kw_only=True, tag="motion.proposed"):
    pass


class MotionAdmitted(MotionFacts, frozen=True, kw_only=True, tag="motion.admitted"):
    """The chair admitted the motion: resolution_svc prepares its poll (a draft, id = motion_id) at once."""

    preset: MotionPreset
    secret: bool = False


class MotionRejected(MotionFacts, frozen=True, kw_only=True, tag="motion.rejected"):
    """The chair did not admit the motion (out of order, not seconded)."""
