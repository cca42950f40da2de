"""The meeting's notification policy: set by the organiser, read by the staff, carried on meeting facts."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.conftest import EventTap
from tests.meeting.conftest import Client, Org, advance, invite, join, new_meeting, ok


async def test_defaults_then_the_organisers_choice_travel_on_meeting_updated(
    client: Client, org: Org, tap: EventTap
) -> None:
    meeting = await new_meeting(client, org)  # a venue, no online link: held in one room
    url = f"/api/v1/meetings/{meeting['id']}/notification-policy"
    shown = await ok(await client.get(url, headers=org.organiser.auth))
    assert shown["in_room"] is True and shown["set"] == []
    assert shown["rules"]["poll_opened"] == {"audience": "nobody", "delivery": "immediate"}
    assert shown["rules"]["directive"] == {"audience": "representatives", "delivery": "immediate"}

    body = {"rules": {"poll_opened": {"audience": "all"}, "result": {"delivery": "digest"}}}
    stale = await client.put(url, json=body, headers={**org.organiser.auth, "If-Match": '"999"'})
    assert stale.status == 412
    answer = await client.put(url, json=body, headers={**org.organiser.auth, "If-Match": f'"{meeting["version"]}"'})
    chosen = await ok(answer)
    assert chosen["set"] == ["poll_opened", "result"] and chosen["version"] == meeting["version"] + 1
    assert chosen["rules"]["poll_opened"] == {"audience": "all", "delivery": "immediate"}
    assert chosen["rules"]["result"] == {"audience": "all", "delivery": "digest"}
    assert chosen["rules"]["directive"]["audience"] == "representatives"  # left out: its default
    assert answer.headers["ETag"] == f'"{chosen["version"]}"'

    updated = await tap.wait("meeting.updated", meeting_id=uuid.UUID(meeting["id"]))
    policy = updated.notification_policy  # type: ignore[attr-defined]
    assert set(policy) == {"poll_opened", "result"} and policy["result"].delivery == "digest"
    # every later fact of the meeting carries it too
    await advance(client, org, meeting["id"], "schedule")
    scheduled = await tap.wait("meeting.scheduled", meeting_id=uuid.UUID(meeting["id"]))
    assert scheduled.notification_policy == policy  # type: ignore[attr-defined]

    await ok(await client.put(url, json={"rules": {}}, headers=org.organiser.auth))  # back to the defaults
    assert (await ok(await client.get(url, headers=org.organiser.auth)))["set"] == []


async def test_who_may_read_and_set_it(client: Client, org: Org) -> None:
    meeting = await new_meeting(client, org, online_url="https://meet.example.org/room")
    url = f"/api/v1/meetings/{meeting['id']}/notification-policy"
    secretary = await join(client, await invite(client, org, meeting["id"], role="secretary"))
    member = await join(client, await invite(client, org, meeting["id"], role="voting_member"))
    await advance(client, org, meeting["id"], "schedule")
    shown = await ok(await client.get(url, headers=secretary.auth))
    assert shown["in_room"] is False and shown["rules"]["poll_opened"]["audience"] == "all"
    assert (await client.get(url, headers=member.auth)).status == 403
    refused = await client.put(url, json={"rules": {}}, headers=secretary.auth)
    assert refused.status == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rules": {"minutes": {"audience": "all"}}}, "rules"),
        ({"rules": {"poll_opened": {"audience": "everybody"}}}, "audience"),
        ({"rules": {"poll_opened": {"delivery": "weekly"}}}, "delivery"),
        ({"rules": {"poll_opened": {"audience": "all", "colour": "red"}}}, "colour"),
        ({"rules": []}, "rules"),
        ({}, "rules"),
    ],
)
async def test_a_bad_policy_is_a_problem_naming_the_field(
    client: Client, org: Org, body: dict[str, Any], field: str
) -> None:
    meeting = await new_meeting(client, org)
    url = f"/api/v1/meetings/{meeting['id']}/notification-policy"
    answer = await client.put(url, json=body, headers=org.organiser.auth)
    problem = await answer.json()
    assert answer.status in (400, 422) and answer.content_type == "application/problem+json"
    assert field in str(problem.get("field", "")) + problem.get("detail", ""), problem
    assert (await ok(await client.get(url, headers=org.organiser.auth)))["set"] == []  # nothing written


async def test_a_closed_meeting_keeps_its_policy(client: Client, org: Org) -> None:
    meeting = await new_meeting(client, org)
    await advance(client, org, meeting["id"], "cancel")
    url = f"/api/v1/meetings/{meeting['id']}/notification-policy"
    assert (await client.put(url, json={"rules": {}}, headers=org.organiser.auth)).status == 409
