"""A roster import reaches both read models as fetched batches of participant facts, applied set-based
(`Bulk`): the same state as one by one, whatever the batch holds — a newer and an older fact of one
participant, a whole batch delivered again, a poison fact."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import nats.js.errors
import pytest
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from notifier.consumers import EventHandler
from resolution_svc.consumers import PARTICIPANT_FACTS, meeting_event_handler
from resolution_svc.consumers import settle as resolution_settle
from resolution_svc.settings import Settings as ResolutionSettings
from schemas import MEETINGS, Subjects, encode
from schemas import events as ev
from schemas.bus import EventConsumer
from schemas.bus.consumer import BATCHES, BATCHES_SPLIT
from schemas.events import Event
from servicekit.runtime import Runtime
from tests.conftest import settings_of, wait_for
from tests.consistency.history import ORG, history, person
from tests.notifier.conftest import notifier_settings

SCHEMAS = ("resolution", "notifier")


@pytest.fixture
async def pools(database_url: str) -> AsyncIterator[dict[str, asyncpg.Pool]]:
    pools = {}
    for schema in SCHEMAS:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4, server_settings={"search_path": schema})
        assert pool is not None
        pools[schema] = pool
    yield pools
    for pool in pools.values():
        await pool.close()


def consumers(
    pools: dict[str, asyncpg.Pool], js: tuple[NATS, JetStreamContext], subjects: Subjects, env: dict[str, Any], tag: str
) -> list[EventConsumer]:
    """Each service's consumer of the meetings stream, with its handlers as the service wires them."""
    runtime = Runtime(settings=settings_of(ResolutionSettings, env), service="resolution", sql=Path())
    notifier = EventHandler(notifier_settings(env))
    common = {"nc": js[0], "js": js[1], "stream": subjects.stream_name(MEETINGS), "fetch_timeout": 0.2}
    return [
        EventConsumer(
            pool=pools["resolution"],
            durable=f"{subjects.namespace}-resolution-{tag}",
            filter_subject=subjects.all_of(MEETINGS),
            handler=meeting_event_handler(runtime),
            settle=resolution_settle,
            bulk=PARTICIPANT_FACTS,
            **common,  # type: ignore[arg-type]
        ),
        EventConsumer(
            pool=pools["notifier"],
            durable=f"{subjects.namespace}-notifier-{tag}",
            filter_subject=subjects.all_of(MEETINGS),
            handler=notifier,
            settle=notifier.settle,
            bulk=notifier.bulk,
            **common,  # type: ignore[arg-type]
        ),
    ]


async def publish(jsc: JetStreamContext, subjects: Subjects, events: list[Event], again: bool = False) -> None:
    for e in events:
        # a copy under another message id gets past JetStream's deduplication, as a redelivery would
        await jsc.publish(
            subjects.for_event(e), encode(e), headers={"Nats-Msg-Id": f"{e.id}{'-again' if again else ''}"}
        )


async def consume(consumers: list[EventConsumer], jsc: JetStreamContext, subjects: Subjects, through: int) -> None:
    """Run the consumers until each has acknowledged every message up to stream sequence `through`."""

    async def acked() -> bool:
        for c in consumers:
            try:
                info = await jsc.consumer_info(subjects.stream_name(MEETINGS), c.durable)
            except nats.js.errors.NotFoundError:
                return False
            if info.ack_floor.stream_seq < through or info.num_ack_pending:
                return False
        return True

    tasks = [asyncio.create_task(c.run()) for c in consumers]
    try:
        await wait_for(acked, timeout=30, what="every message acknowledged")
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def state(pools: dict[str, asyncpg.Pool], meeting_id: uuid.UUID) -> dict[str, Any]:
    r, n = pools["resolution"], pools["notifier"]
    return {
        "resolution": [
            tuple(x) for x in await r.fetch("select id, role, weight, version, removed from participants order by id")
        ],
        "notifier": [
            tuple(x)
            for x in await n.fetch(
                "select participant_id, name, email, role, weight, version, removed from participants order by 1"
            )
        ],
        "events": await n.fetchval("select count(*) from events"),
        "deliveries": await n.fetchval("select count(*) from deliveries"),
        "positions": [
            await p.fetchval("select applied_through from meeting_positions where meeting_id = $1", meeting_id)
            for p in (r, n)
        ],
        "ahead": [await p.fetchval("select count(*) from meeting_positions_ahead") for p in (r, n)],
        "dead": [await p.fetchval("select count(*) from dead_letters") for p in (r, n)],
    }


def counted(counter: Any, consumers: list[EventConsumer]) -> int:
    return int(sum(counter.labels(c.durable)._value.get() for c in consumers))


async def test_a_batch_keeps_the_newer_of_two_facts_and_delivered_again_changes_nothing(
    pools: dict[str, asyncpg.Pool], js: tuple[NATS, JetStreamContext], namespace: str, env: dict[str, Any]
) -> None:
    _, jsc = js
    subjects = Subjects(namespace)
    await jsc.add_stream(subjects.stream_config(MEETINGS))
    meeting_id = uuid.uuid4()
    people = [uuid.uuid4() for _ in range(40)]
    events = history(meeting_id, people, [])  # created 1, invited 2..41, started 42
    newer = msgspec.structs.replace(person(ev.ParticipantUpdated, meeting_id, people[0], 0, "chair", 5), meeting_seq=44)
    older = msgspec.structs.replace(
        person(ev.ParticipantUpdated, meeting_id, people[0], 0, "observer", 2), meeting_seq=43
    )
    late = msgspec.structs.replace(
        person(ev.ParticipantInvited, meeting_id, uuid.uuid4(), 40, "voting_member", 1), meeting_seq=45
    )
    # the started event moved behind the facts, so the facts after the meeting's creation are one run
    backlog = [events[0], *events[1:41], newer, older, late, events[41]]
    await pools["notifier"].execute(
        "insert into subscriptions (id, organisation_id, url, event_types) values ($1, $2, $3, $4)",
        uuid.uuid4(),
        ORG,
        "http://127.0.0.1:9/hook",
        ["participant.*"],
    )
    await publish(jsc, subjects, backlog)
    first = consumers(pools, js, subjects, env, "first")
    await consume(first, jsc, subjects, len(backlog))
    assert counted(BATCHES, first) >= 2 and counted(BATCHES_SPLIT, first) == 0  # the batch path, not one by one

    before = await state(pools, meeting_id)
    assert before["positions"] == [45, 45] and before["ahead"] == [0, 0] and before["dead"] == [0, 0]
    assert len(before["resolution"]) == len(before["notifier"]) == 41
    # the older fact came later in the same batch: the newer one stays
    assert [r[1:4] for r in before["resolution"] if r[0] == people[0]] == [("chair", 5, 44)]
    assert [(r[3], r[4], r[5]) for r in before["notifier"] if r[0] == people[0]] == [("chair", 5, 44)]
    assert before["events"] == len(backlog)  # each event logged once
    assert before["deliveries"] == 43  # one per participant event for the subscription

    # the whole backlog again, to the same consumers and to new ones that read every event a second time
    await publish(jsc, subjects, backlog, again=True)
    await consume(first, jsc, subjects, 2 * len(backlog))
    await consume(consumers(pools, js, subjects, env, "second"), jsc, subjects, 2 * len(backlog))
    assert await state(pools, meeting_id) == before


async def test_a_poison_fact_in_a_batch_is_dead_lettered_alone_and_the_others_applied(
    pools: dict[str, asyncpg.Pool], js: tuple[NATS, JetStreamContext], namespace: str, env: dict[str, Any]
) -> None:
    _, jsc = js
    subjects = Subjects(namespace)
    await jsc.add_stream(subjects.stream_config(MEETINGS))
    meeting_id = uuid.uuid4()
    people = [uuid.uuid4() for _ in range(30)]
    events = history(meeting_id, people, [])
    poison = msgspec.structs.replace(events[12], weight=-1)
    backlog = [*events[:12], poison, *events[13:]]
    await publish(jsc, subjects, backlog)
    group = consumers(pools, js, subjects, env, "only")
    await consume(group, jsc, subjects, len(backlog))
    assert counted(BATCHES_SPLIT, group) >= 2  # each service's batch went one by one

    after = await state(pools, meeting_id)
    assert after["dead"] == [1, 1]
    assert after["positions"] == [len(backlog)] * 2  # the poison still counts as passed
    assert sorted(r[0] for r in after["resolution"]) == sorted(r[0] for r in after["notifier"])
    assert {r[0] for r in after["resolution"]} == set(people) - {poison.participant_id}  # type: ignore[attr-defined]
    for pool in pools.values():
        reason = await pool.fetchval("select reason from dead_letters")
        assert reason == f"rejected by handler: participant {poison.participant_id} has a negative weight"  # type: ignore[attr-defined]
