"""Bodies of the participant's way in: the session an invite code is exchanged for, and the page's
first screen (GET …/bootstrap), which is the other packages' bodies in one answer."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from meeting_svc.contributions.api import ContributionRequest, ContributionStatus, Submission
from meeting_svc.meetings.api import Meeting
from meeting_svc.people.api import Participant
from meeting_svc.room import api as room_api
from servicekit.fields import (
    LINE_PATTERN,
    Request,
)


class Bootstrap(msgspec.Struct, kw_only=True):
    """What a participant's page shows first, in one answer: the meeting with its agenda, the participant,
    their department's contribution requests and reports, the room (as GET …/room answers it) and the
    motions from the floor (as GET …/motions), and, asked of resolution_svc for the same caller, the
    meeting's polls, the closed polls' results and the department's directives (each as resolution_svc
    answers it; null when it did not answer in time, and the page asks it itself)."""

    meeting: Meeting
    participant: Participant
    contribution_requests: list[ContributionRequest]
    contributions: list[ContributionStatus]
    submissions: list[Submission]
    room: room_api.Room
    motions: list[room_api.Motion]
    polls: msgspec.Raw | None = None
    results: msgspec.Raw | None = None
    directives: msgspec.Raw | None = None


class SessionCreate(Request, kw_only=True):
    invite_code: Annotated[str, msgspec.Meta(min_length=10, max_length=200, pattern=LINE_PATTERN)]
    # the participant page's first screen in the same answer (as GET …/bootstrap gives it): on a slow
    # line that is one round trip less before the meeting is on screen
    first_screen: bool = False


class Session(msgspec.Struct, kw_only=True):
    token: str
    expires_at: dt.datetime
    meeting_id: uuid.UUID
    participant: Participant
    first_screen: Bootstrap | None = None  # when asked for
