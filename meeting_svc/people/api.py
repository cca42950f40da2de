"""Request and response bodies of participants, their invitations, sessions aside, and attendance."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from schemas.events import Language, Role, Rsvp
from servicekit.fields import (
    LINE_PATTERN,
    Email,
    Name,
    Request,
)

Weight = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]


class ParticipantCreate(Request, kw_only=True):
    name: Name
    email: Email | None = None
    department_id: uuid.UUID | None = None
    role: Role = "voting_member"
    weight: Weight = 1
    language: Language = "vi"


class ParticipantPatch(Request, kw_only=True, omit_defaults=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    email: Email | msgspec.UnsetType | None = msgspec.UNSET
    department_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    role: Role | msgspec.UnsetType = msgspec.UNSET
    weight: Weight | msgspec.UnsetType = msgspec.UNSET
    language: Language | msgspec.UnsetType = msgspec.UNSET


class Participant(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    meeting_id: uuid.UUID
    name: str
    email: str | None
    department_id: uuid.UUID | None
    role: Role
    weight: int
    language: Language
    rsvp: Rsvp | None
    present: bool
    proxy_holder_id: uuid.UUID | None = None
    invite_url: str | None = None  # only in the answer that issued the invite


class ParticipantList(msgspec.Struct, kw_only=True):
    items: list[Participant]
    total: int | None = None  # how many match the query (the items are one page of them)


class ImportRow(msgspec.Struct, kw_only=True):
    row: int
    name: str
    email: str | None
    department_id: uuid.UUID | None
    role: Role
    weight: int
    language: Language


class ImportProblem(msgspec.Struct, kw_only=True):
    row: int  # 0: the file or its header
    field: str
    detail: str


class ImportPreview(msgspec.Struct, kw_only=True):
    """What importing the same file would do; nothing is written."""

    rows: list[ImportRow]
    errors: list[ImportProblem]
    importable: bool


class ImportResult(msgspec.Struct, kw_only=True):
    created: int
    items: list[Participant]


class Invite(msgspec.Struct, kw_only=True):
    invite_url: str
    expires_at: dt.datetime


class InvitationSend(Request, kw_only=True):
    # whom to send to (default: every participant); with `resend`, also those already sent
    participant_ids: list[uuid.UUID] | None = None
    resend: bool = False


class InvitationStatus(msgspec.Struct, kw_only=True):
    participant_id: uuid.UUID
    name: str
    email: str | None
    # sent: handed to the notifier, which emails it; bounced: the notifier could not deliver the latest send
    status: Literal["not_sent", "sent", "bounced"]
    times_sent: int
    last_sent_at: dt.datetime | None
    rsvp: Rsvp | None = None
    opened_at: dt.datetime | None = None  # first time the personal link was exchanged for a session
    link_active: bool = True  # false once the invite is revoked
    bounced_at: dt.datetime | None = None  # when the notifier gave the latest send up
    bounce_reason: str | None = None  # the recipient's mail server's answer (or the last error)


class InvitationList(msgspec.Struct, kw_only=True):
    items: list[InvitationStatus]
    sent: int | None = None  # in the answer to a send: how many were sent now
    total: int | None = None  # in the list: how many match the query (the items are one page of them)


class RsvpBody(Request, kw_only=True):
    response: Rsvp


class ProxyGrant(Request, kw_only=True):
    holder_id: uuid.UUID


class Attendance(msgspec.Struct, kw_only=True):
    present_count: int
    present_weight: int
    present: list[uuid.UUID]
    # the voting roll (chairs, voting members, representatives) and how much of it is in the room
    eligible_count: int = 0
    eligible_weight: int = 0
    present_voting_count: int = 0
    present_voting_weight: int = 0


class ScannedCode(Request, kw_only=True):
    """The code of a personal invite link, as the desk read it from the participant's QR code."""

    invite_code: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=LINE_PATTERN)]
