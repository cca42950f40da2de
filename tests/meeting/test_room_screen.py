"""The room's screen (display link) shows the vote in progress and the last result, which meeting_svc learns
from resolution_svc's events: a late or repeated event never takes a closed poll back."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from schemas import events as ev
from schemas.codec import encode, new_event
from schemas.events import Event
from schemas.subjects import Subjects
from servicekit.runtime import RUNTIME
from tests.conftest import EventTap, wait_for
from tests.meeting.conftest import Client, Org, advance, invite, join, new_meeting, ok

RESULT = ev.PollResult(
    tallies=[
        ev.OptionTally(option="yes", count=150, weight=150),
        ev.OptionTally(option="no", count=10, weight=10),
        ev.OptionTally(option="abstain", count=5, weight=5),
    ],
    base="cast",
    base_weight=165,
    threshold="simple",
    required_weight="165/2",
    quorum_met=True,
    outcome="adopted",
    eligible_count=202,
    eligible_weight=202,
    present_count=170,
    present_weight=170,
)


async def test_the_screen_shows_the_vote_then_its_result(
    client: Client, org: Org, js: tuple[NATS, JetStreamContext], namespace: str, tap: EventTap
) -> None:
    meeting = await new_meeting(client, org)
    mid = uuid.UUID(meeting["id"])
    chair = await join(client, await invite(client, org, str(mid), name="Chủ trì", role="chair"))
    link = await ok(await client.post(f"/api/v1/meetings/{mid}/displays", headers=chair.auth), 201)
    display = {"Authorization": "Display " + link["url"].split("#", 1)[1]}
    await advance(client, org, str(mid), "schedule", "start")
    subjects = Subjects(namespace)

    async def publish(*events: Event) -> None:
        for event in events:
            await js[1].publish(subjects.for_event(event), encode(event), headers={"Nats-Msg-Id": str(event.id)})

    async def vote() -> Any:
        return (await ok(await client.get("/api/v1/display", headers=display)))["vote"]

    poll = uuid.uuid4()
    question = ev.Bilingual(vi="Biểu quyết thông qua Nghị quyết", en="Adopt the Resolution")
    opened = new_event(
        ev.PollOpened, meeting_id=mid, poll_id=poll, question=question, options=["yes", "no", "abstain"],
        secret=True, eligible_count=202, eligible_weight=202,
    )  # fmt: skip
    await publish(
        new_event(
            ev.PollCreated, meeting_id=mid, poll_id=poll, question=question, options=["yes", "no", "abstain"],
            secret=True, motion="resolution",
        ),
        opened,
        new_event(
            ev.TurnoutChanged, meeting_id=mid, poll_id=poll, voted_count=120, voted_weight=120, eligible_count=202,
            eligible_weight=202,
        ),
    )  # fmt: skip
    shown = await wait_for(lambda: _with(vote, voted_count=120), what="the turnout on the screen")
    assert (shown["status"], shown["eligible_count"], shown["question"]["vi"]) == ("open", 202, question.vi)
    assert shown["result"] is None
    await publish(new_event(ev.PollClosed, meeting_id=mid, poll_id=poll, result=RESULT))
    closed = await wait_for(lambda: _with(vote, status="closed"), what="the result on the screen")
    assert closed["result"]["outcome"] == "adopted" and closed["result"]["tallies"][0]["count"] == 150
    # the poll's open, delivered again late, does not reopen it
    await publish(msgspec_copy(opened))
    marker = uuid.uuid4()
    await publish(
        new_event(
            ev.PollCreated, meeting_id=mid, poll_id=marker, question=question, options=["yes"], secret=False,
            motion="procedural",
        )
    )  # fmt: skip
    await wait_for(lambda: _stored(client, marker), what="the marker poll")
    assert (await vote())["status"] == "closed"


def msgspec_copy(event: Event) -> Event:
    return msgspec.structs.replace(event, id=uuid.uuid4())


async def _with(read: Any, **expected: Any) -> Any:
    got = await read()
    return got if got and all(got.get(k) == v for k, v in expected.items()) else None


async def _stored(client: Client, poll_id: uuid.UUID) -> bool:
    db = client.server.app[RUNTIME].db()
    return bool(await db.fetchval("select count(*) from room_polls where poll_id = $1", poll_id))
