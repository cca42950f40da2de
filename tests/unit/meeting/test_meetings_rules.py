"""A meeting's lifecycle and its time checks, without HTTP or PostgreSQL."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from meeting_svc.meetings.api import MeetingCreate, MeetingPatch, VenueIn
from meeting_svc.meetings.rules import EDITABLE, STATUSES, TRANSITIONS, local, next_status, past_problem, time_problem
from meeting_svc.meetings.views import meeting_values
from servicekit.fields import BilingualText
from servicekit.http import Problem

UTC = dt.UTC
ACTIONS = tuple(TRANSITIONS)

# every (status, action) pair the lifecycle allows, and where it leads; every other pair is refused
ALLOWED = {
    ("draft", "schedule"): "scheduled",
    ("draft", "cancel"): "cancelled",
    ("scheduled", "start"): "in_progress",
    ("scheduled", "cancel"): "cancelled",
    ("in_progress", "end"): "ended",
}


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_the_lifecycle_allows_exactly_its_transitions(current: str, action: str) -> None:
    assert next_status(current, action) == ALLOWED.get((current, action))


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("current", ["ended", "cancelled"])
def test_an_ended_or_cancelled_meeting_goes_nowhere(current: str, action: str) -> None:
    assert next_status(current, action) is None


def test_a_meeting_under_way_cannot_be_cancelled_only_ended() -> None:
    assert next_status("in_progress", "cancel") is None
    assert next_status("in_progress", "end") == "ended"


def test_an_unknown_action_is_a_programming_error_not_a_refusal() -> None:
    with pytest.raises(KeyError):
        next_status("draft", "reopen")


@given(st.lists(st.sampled_from(ACTIONS), max_size=8))
def test_any_sequence_of_actions_only_moves_forward(actions: list[str]) -> None:
    """Whatever the chair clicks, a meeting never returns to a status it has left."""
    order = {s: i for i, s in enumerate(STATUSES)}
    status, seen = "draft", ["draft"]
    for action in actions:
        target = next_status(status, action)
        if target is None:
            continue
        assert order[target] > order[status]
        assert target not in seen
        status = target
        seen.append(status)
    assert status in STATUSES


def test_only_a_meeting_not_over_is_editable() -> None:
    assert EDITABLE == {"draft", "scheduled", "in_progress"}
    assert set(STATUSES) - EDITABLE == {"ended", "cancelled"}


START = dt.datetime(2026, 1, 14, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "timezone", "expected"),
    [
        (START, START + dt.timedelta(hours=4), "Asia/Ho_Chi_Minh", None),
        (START.replace(tzinfo=None), START + dt.timedelta(hours=4), "Asia/Ho_Chi_Minh", "starts_at"),
        (START, (START + dt.timedelta(hours=4)).replace(tzinfo=None), "Asia/Ho_Chi_Minh", "ends_at"),
        (START, START, "Asia/Ho_Chi_Minh", "ends_at"),
        (START, START - dt.timedelta(minutes=1), "Asia/Ho_Chi_Minh", "ends_at"),
        (START, START + dt.timedelta(hours=1), "Asia/Saigon_City", "timezone"),
        (START, START + dt.timedelta(hours=1), "../etc/passwd", "timezone"),
        (START, START + dt.timedelta(hours=1), "", "timezone"),
    ],
)
def test_time_problem_names_the_field_at_fault(
    starts_at: dt.datetime, ends_at: dt.datetime, timezone: str, expected: str | None
) -> None:
    problem = time_problem(starts_at, ends_at, timezone)
    assert (problem[0] if problem else None) == expected


def test_time_problem_explains_itself() -> None:
    assert time_problem(START.replace(tzinfo=None), START, "UTC") == ("starts_at", "needs a UTC offset (RFC 3339)")
    assert time_problem(START, START, "UTC") == ("ends_at", "must be after starts_at")
    assert time_problem(START, START + dt.timedelta(hours=1), "Mars/Olympus") == (
        "timezone",
        "'Mars/Olympus' is not an IANA time zone",
    )


def test_a_past_time_is_refused_unless_the_meeting_is_recorded_after_the_fact() -> None:
    now = START
    past, future = now - dt.timedelta(seconds=1), now + dt.timedelta(seconds=1)
    problem = past_problem("starts_at", past, now, record_only=False)
    assert problem is not None
    assert problem[0] == "starts_at"
    assert "record_only" in problem[1]
    assert past_problem("starts_at", now, now, record_only=False) is not None  # now is not the future
    assert past_problem("ends_at", future, now, record_only=False) is None
    assert past_problem("starts_at", past, now, record_only=True) is None


def test_local_puts_a_moment_on_the_meetings_clock() -> None:
    at = local(START, "Asia/Ho_Chi_Minh")
    assert (at.hour, at.minute, at.utcoffset()) == (13, 30, dt.timedelta(hours=7))
    assert at == START


# --- a meeting's values as created or changed ------------------------------------------------------------

FUTURE = dt.datetime(2099, 1, 14, 6, 30, tzinfo=UTC)
PAST = dt.datetime(2001, 1, 14, 6, 30, tzinfo=UTC)
TITLE = BilingualText(vi="Hội nghị", en="")


def create(starts_at: dt.datetime, hours: int = 4, **kw: object) -> MeetingCreate:
    return MeetingCreate(
        title=TITLE,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        timezone="Asia/Ho_Chi_Minh",
        **kw,
    )


def refusal(body: MeetingCreate | MeetingPatch, base: dict[str, object] | None = None) -> tuple[int, str, str | None]:
    with pytest.raises(Problem) as refused:
        meeting_values(body, base)
    return refused.value.status, refused.value.title, refused.value.field


def test_a_new_meetings_values_are_its_columns() -> None:
    v = meeting_values(create(FUTURE, venue=VenueIn(name="Hội trường A", address="1 Lê Lợi")))
    assert (v["title_vi"], v["title_en"]) == ("Hội nghị", "")
    assert (v["venue_name"], v["venue_address"]) == ("Hội trường A", "1 Lê Lợi")
    assert v["starts_at"] == FUTURE
    assert meeting_values(create(FUTURE, venue=None))["venue_name"] is None


def test_a_new_meeting_cannot_end_before_it_starts() -> None:
    assert refusal(create(FUTURE, hours=-1)) == (422, "Invalid time", "ends_at")


def test_a_new_meeting_in_the_past_is_refused_unless_recorded_after_the_fact() -> None:
    assert refusal(create(PAST)) == (422, "Time in the past", "starts_at")
    assert meeting_values(create(PAST), {"record_only": True})["starts_at"] == PAST


def test_a_meeting_under_way_may_be_renamed_though_its_start_is_past() -> None:
    base = meeting_values(create(PAST), {"record_only": True}) | {"record_only": False}
    renamed = meeting_values(MeetingPatch(title=BilingualText(vi="", en="Renamed")), base)
    assert (renamed["title_vi"], renamed["title_en"], renamed["starts_at"]) == ("", "Renamed", PAST)


def test_moving_a_time_into_the_past_is_refused() -> None:
    base = meeting_values(create(FUTURE))
    assert refusal(MeetingPatch(starts_at=PAST), base) == (422, "Time in the past", "starts_at")


def test_a_patch_changes_only_what_it_names() -> None:
    base = meeting_values(create(FUTURE, online_url="https://meet.example/a"))
    patched = meeting_values(MeetingPatch(self_check_in=False), base)
    assert patched == {**base, "self_check_in": False}
    assert msgspec.UNSET not in patched.values()
