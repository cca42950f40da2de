"""A decision in resolution_svc counts everything meeting_svc acknowledged before the request that
triggered it (docs/consistency.md): check-ins before a close, the start before an open, the end of the
meeting before any further ballot."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

from tests.conftest import EventTap
from tests.consistency.conftest import Stack, answer

ROUNDS = 20
PER_ROUND = 5


async def test_a_close_in_the_next_request_counts_every_check_in_before_it(
    stack_of: Callable[..., Awaitable[Stack]],
) -> None:
    stack = await stack_of()
    meeting = await stack.new_meeting(ROUNDS * PER_ROUND)
    for round_ in range(ROUNDS):
        poll = await meeting.poll({"base": "present", "quorum": {"of": "present", "minimum_count": 1}})
        await meeting.open(poll)
        arriving = meeting.people[round_ * PER_ROUND : (round_ + 1) * PER_ROUND]
        await asyncio.gather(*(meeting.check_in(p) for p in arriving))
        expected = (round_ + 1) * PER_ROUND
        assert (await meeting.attendance())["present_weight"] == expected

        result = (await meeting.close(poll))["result"]  # the very next request
        assert result["base_weight"] == expected, f"round {round_}: {result}"
        assert (result["present_count"], result["present_weight"]) == (expected, expected)
        assert result["eligible_count"] == ROUNDS * PER_ROUND
        assert result["quorum_rule"] == "present count >= 1"
        assert result["quorum_figures"] == [f"present count {expected}"]
    assert (await meeting.attendance())["present_weight"] == 100


async def test_a_poll_opens_in_the_request_right_after_the_start(stack_of: Callable[..., Awaitable[Stack]]) -> None:
    stack = await stack_of()
    for _ in range(5):
        meeting = await stack.new_meeting(3, start=False)
        poll = await meeting.poll()
        await meeting.transition("start")
        opened = await stack.resolution_call(f"/api/v1/polls/{poll}/open")
        assert (opened["status"], opened["eligible_count"]) == ("open", 3)


async def test_ending_the_meeting_closes_its_open_poll_and_refuses_further_ballots(
    stack_of: Callable[..., Awaitable[Stack]], tap: EventTap
) -> None:
    stack = await stack_of()
    meeting = await stack.new_meeting(4)
    await asyncio.gather(*(meeting.check_in(p) for p in meeting.people))
    poll = await meeting.poll({"base": "present"})
    await meeting.open(poll)
    voters = []
    for person in meeting.people:
        code = person["invite_url"].rsplit("/", 1)[1]
        session = await answer(await stack.meeting.post("/api/v1/sessions", json={"invite_code": code}), 201)
        voters.append({"Authorization": f"Bearer {session['token']}"})
    for auth in voters[:3]:
        await answer(
            await stack.resolution.post(f"/api/v1/polls/{poll}/ballots", json={"choice": "yes"}, headers=auth), 201
        )

    await meeting.transition("end")
    closed = await tap.wait("poll.closed", poll_id=uuid.UUID(poll))
    assert closed.reason == "meeting_ended"  # type: ignore[attr-defined]
    assert closed.result.outcome == "adopted"  # type: ignore[attr-defined]
    assert (closed.result.participating_count, closed.result.present_weight) == (3, 4)  # type: ignore[attr-defined]
    late = await stack.resolution.post(f"/api/v1/polls/{poll}/ballots", json={"choice": "no"}, headers=voters[3])
    assert late.status == 409, await late.text()
    result = await answer(await stack.resolution.get(f"/api/v1/polls/{poll}/result", headers=stack.auth))
    assert (result["closed_by"], result["result"]["participating_weight"]) == ("meeting_ended", 3)
    assert result["meeting_position"] == closed.meeting_position  # type: ignore[attr-defined]
