"""The session rule every service applies to a participant's token, on their current state."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from servicekit.sessions import Standing, Window, access_until, session_access
from servicekit.tokens import Claims

MEETING = uuid.uuid4()
ENDS = dt.datetime(2030, 1, 14, 10, 30, tzinfo=dt.UTC)
WINDOW = Window(dt.timedelta(days=1), dt.timedelta(days=400))


def claims(epoch: int = 0, meeting: uuid.UUID = MEETING) -> Claims:
    return Claims(
        kind="participant", sub=uuid.uuid4(), org=uuid.uuid4(), jti=uuid.uuid4(), exp=0, meeting=meeting, epoch=epoch
    )


def standing(role: str = "voting_member", *, removed: bool = False, epoch: int = 0, zone: str = "UTC") -> Standing:
    return Standing(
        meeting_id=MEETING,
        role=role,
        department_id=None,
        removed=removed,
        epoch=epoch,
        meeting_ends_at=ENDS,
        meeting_timezone=zone,
    )


@pytest.mark.parametrize(
    ("token", "state", "now", "access"),
    [
        (claims(), standing(), ENDS, "full"),
        (claims(), None, ENDS, None),  # unknown here
        (claims(), standing(removed=True), ENDS, None),
        (claims(meeting=uuid.uuid4()), standing(), ENDS, None),
        (claims(epoch=0), standing(epoch=1), ENDS, None),  # invite revoked or reissued since
        (claims(epoch=2), standing(epoch=1), ENDS, "full"),  # issued after a change this copy has not seen yet
        (claims(), standing(), ENDS + dt.timedelta(days=1), "full"),  # the day after, until its midnight
        (claims(), standing(), ENDS + dt.timedelta(days=2), None),  # the window is over
        # the day after ends at midnight in Da Nang, 17:00 UTC, not at UTC midnight
        (claims(), standing(zone="Asia/Ho_Chi_Minh"), dt.datetime(2030, 1, 15, 16, 59, tzinfo=dt.UTC), "full"),
        (claims(), standing(zone="Asia/Ho_Chi_Minh"), dt.datetime(2030, 1, 15, 17, 0, tzinfo=dt.UTC), None),
        (claims(), standing("chair"), ENDS + dt.timedelta(days=2), None),
        (claims(), standing("department_representative"), ENDS + dt.timedelta(days=2), "follow_up"),
        (claims(), standing("department_representative"), ENDS + dt.timedelta(days=401), None),
        (claims(), standing("department_representative", removed=True), ENDS + dt.timedelta(days=2), None),
    ],
)
def test_session_access(token: Claims, state: Standing | None, now: dt.datetime, access: str | None) -> None:
    assert session_access(token, state, WINDOW, now) == access


def test_a_representatives_token_lasts_for_the_follow_up() -> None:
    # ENDS is on the meeting's calendar too: access lasts to midnight ending the day that many days later
    assert WINDOW.token_ends("department_representative", ENDS, "UTC") == access_until(ENDS, "UTC", 400)
    assert WINDOW.token_ends("chair", ENDS, "UTC") == access_until(ENDS, "UTC", 1)
    assert access_until(ENDS, "UTC", 1).date() == (ENDS + dt.timedelta(days=2)).date()
