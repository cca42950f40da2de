"""A motion admitted from the floor (meeting_svc's `motion.admitted`) becomes a draft poll at once, with the
rules of its preset; a redelivered or repeated event prepares nothing twice; an amendment brings its
amendment; a motion that cannot be prepared is dead-lettered and the consumer goes on."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import msgspec

from schemas import events as ev
from schemas.codec import new_event
from servicekit.runtime import RUNTIME
from tests.conftest import EventTap, wait_for
from tests.resolution.conftest import Client, Meeting, ok, resolution, vote


def admitted(m: Meeting, proposer: uuid.UUID, **fields: object) -> ev.MotionAdmitted:
    values: dict[str, object] = {
        "motion_id": uuid.uuid4(),
        "proposer_id": proposer,
        "kind": "procedural",
        "text": ev.Bilingual(vi="Đề nghị hạn chế thời gian phát biểu 3 phút", en="Limit speeches to 3 minutes"),
        "preset": "two_thirds",
        **fields,
    }
    return new_event(ev.MotionAdmitted, meeting_id=m.id, actor="participant:chair", **values)  # type: ignore[arg-type]


async def test_an_admitted_motion_is_a_draft_poll_with_its_preset_once(
    meeting: Callable[..., Awaitable[Meeting]], client: Client, tap: EventTap
) -> None:
    m = await meeting()
    [chair] = await m.add(role="chair")
    voters = await m.add(3)
    event = admitted(m, voters[0].id)
    await m.publish(event)
    poll = await wait_for(lambda: _poll(client, m, event.motion_id), what="the motion's poll")
    assert poll["status"] == "draft" and poll["motion"] == "procedural"
    assert poll["rules"]["threshold"] == "two_thirds" and poll["rules"]["base"] == "cast"
    assert poll["question"]["vi"] == event.text.vi
    created = await tap.wait("poll.created", poll_id=event.motion_id)
    assert created.correlation_id == event.correlation_id
    # the same motion again (a redelivery past the bus's dedupe window carries a new message): no second poll
    await m.publish(msgspec.structs.replace(event, id=uuid.uuid4(), meeting_seq=None))
    marker = admitted(m, voters[1].id, preset="simple_majority")
    await m.publish(marker)
    await wait_for(lambda: _poll(client, m, marker.motion_id), what="the next motion's poll")
    polls = await ok(await client.get(f"/api/v1/meetings/{m.id}/polls", headers=m.organiser))
    assert sorted(p["id"] for p in polls["items"]) == sorted([str(event.motion_id), str(marker.motion_id)])
    # the chair opens it and the room votes
    await ok(await client.post(f"/api/v1/polls/{event.motion_id}/open", headers=chair.auth))
    for voter in voters:
        assert (await vote(m, str(event.motion_id), voter, "yes")).status == 201


async def test_an_admitted_amendment_brings_its_amendment_and_a_bad_one_is_dead_lettered(
    meeting: Callable[..., Awaitable[Meeting]], client: Client
) -> None:
    m = await meeting()
    [member] = await m.add()
    draft = await resolution(m, [uuid.uuid4()])
    unknown = admitted(m, member.id, kind="amendment", resolution_id=uuid.uuid4())
    amendment = admitted(
        m,
        member.id,
        kind="amendment",
        resolution_id=uuid.UUID(draft["id"]),
        text=ev.Bilingual(vi="Bổ sung nhiệm vụ đào tạo nhân lực", en="Add staff training"),
        preset="simple_majority",
    )
    await m.publish(unknown, amendment)
    poll = await wait_for(lambda: _poll(client, m, amendment.motion_id), what="the amendment's poll")
    assert poll["motion"] == "amendment" and poll["resolution_id"] == draft["id"]
    db = client.app[RUNTIME].db()
    proposed = await db.fetchrow(
        "select a.text_vi, a.status, a.proposer_id from amendments a join polls p on p.amendment_id = a.id"
        " where p.id = $1",
        amendment.motion_id,
    )
    assert (proposed["text_vi"], proposed["status"], proposed["proposer_id"]) == (
        amendment.text.vi,
        "proposed",
        member.id,
    )
    reasons = [r["reason"] for r in await db.fetch("select reason from dead_letters")]
    assert any(str(unknown.motion_id) in r for r in reasons), reasons
    assert await db.fetchval("select count(*) from polls where id = $1", unknown.motion_id) == 0


async def _poll(client: Client, m: Meeting, poll_id: uuid.UUID) -> dict[str, object] | None:
    response = await client.get(f"/api/v1/polls/{poll_id}", headers=m.organiser)
    return await response.json() if response.status == 200 else None  # type: ignore[no-any-return]
