"""Both read models of meeting_svc's facts (resolution_svc's and the notifier's) apply one entity's updates
in order: an older update arriving late (a nak'ed one redelivered) never overwrites a newer one, a removal
is final, both refuse the same bad data, and any interleaving of meeting and resolution events leaves the
same state as delivery in order."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from notifier.app import create_app as notifier_app
from notifier.consumers import EventHandler
from resolution_svc.app import create_app as resolution_app
from resolution_svc.consumers import PARTICIPANT_FACTS, meeting_event_handler
from resolution_svc.consumers import settle as resolution_settle
from resolution_svc.settings import Settings as ResolutionSettings
from schemas import events as ev
from schemas.bus import positions
from schemas.codec import encode
from schemas.events import Event
from schemas.subjects import Subjects
from servicekit.runtime import RUNTIME, Runtime
from tests.conftest import EventTap, Inbox, settings_of, wait_for
from tests.consistency.history import Op, deliver, history, person, poll_events
from tests.notifier.conftest import notifier_settings


async def test_a_removal_wins_over_an_older_update_redelivered_after_it_in_every_read_model(
    env: dict[str, Any],
    js: tuple[NATS, JetStreamContext],
    tap: EventTap,
    smtp: tuple[Inbox, int],
    start_service: Callable[[web.Application], Awaitable[Any]],
) -> None:
    resolution = await start_service(resolution_app(settings_of(ResolutionSettings, env)))
    notifier = await start_service(notifier_app(notifier_settings(env, smtp_port=smtp[1])))
    meeting_id, pid = uuid.uuid4(), uuid.uuid4()
    events = history(meeting_id, [pid], [])  # created 1, invited 2, started 3
    update = msgspec.structs.replace(person(ev.ParticipantUpdated, meeting_id, pid, 0, "chair", 5), meeting_seq=4)
    removal = msgspec.structs.replace(
        ev.ParticipantRemoved(
            id=uuid.uuid4(), occurred_at=update.occurred_at, meeting_id=meeting_id, participant_id=pid
        ),
        meeting_seq=5,
    )
    negative = msgspec.structs.replace(person(ev.ParticipantUpdated, meeting_id, pid, 0, "chair", -3), meeting_seq=6)
    subjects = Subjects(env["nats_namespace"])
    # the update failed once and was nak'ed: the removal was applied before it came back
    for event in [*events, removal, update, negative]:
        await js[1].publish(subjects.for_event(event), encode(event), headers={"Nats-Msg-Id": str(event.id)})

    resolution_db, notifier_db = resolution.app[RUNTIME].db(), notifier.app[RUNTIME].db()

    async def both_at() -> bool:
        return all([await positions.position(db, meeting_id) >= 6 for db in (resolution_db, notifier_db)])

    await wait_for(both_at, timeout=20, what="both read models through event 6")
    row = await resolution_db.fetchrow("select role, weight, removed, present from participants where id = $1", pid)
    # removed whatever came later; the row holds the last facts, as delivery in order would have left it
    assert dict(row) == {"role": "chair", "weight": 5, "removed": True, "present": False}
    row = await notifier_db.fetchrow("select role, weight, removed from participants where participant_id = $1", pid)
    assert dict(row) == {"role": "chair", "weight": 5, "removed": True}
    # the negative weight was refused by both alike (dead-lettered), and still counted as passed
    for db in (resolution_db, notifier_db):
        reasons = await db.fetch("select reason from dead_letters")
        assert [r["reason"] for r in reasons] == [f"rejected by handler: participant {pid} has a negative weight"]


OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("update"),
            st.integers(0, 2),
            st.sampled_from(["voting_member", "observer", "chair"]),
            st.integers(0, 3),
        ),
        st.tuples(st.sampled_from(["check_in", "check_out", "remove", "retitle"]), st.integers(0, 2)),
        st.tuples(st.sampled_from(["grant", "revoke"]), st.integers(0, 2), st.integers(0, 2)).filter(
            lambda t: t[1] != t[2]
        ),
    ),
    max_size=14,
)


async def state_after(
    url: str, arrivals: list[Event], meeting_id: uuid.UUID, env: dict[str, Any], batched: bool = False
) -> dict[str, Any]:
    """Both read models after these arrivals, in one transaction that is rolled back; `batched`: runs of
    participant facts applied at once, as from a fetched batch."""
    runtime = Runtime(settings=settings_of(ResolutionSettings, env), service="resolution", sql=Path())
    resolution = await asyncpg.connect(url, server_settings={"search_path": "resolution"})
    notifier = await asyncpg.connect(url, server_settings={"search_path": "notifier"})
    try:
        async with resolution.transaction(), notifier.transaction():
            meeting_events = [e for e in arrivals if e.meeting_seq is not None]
            await deliver(
                resolution,
                meeting_events,
                meeting_event_handler(runtime),
                resolution_settle,
                PARTICIPANT_FACTS if batched else None,
            )
            handler = EventHandler(notifier_settings(env))
            await deliver(notifier, arrivals, handler, handler.settle, handler.bulk if batched else None)
            state = {
                "resolution": [
                    tuple(r)
                    for r in await resolution.fetch(
                        "select id, role, weight, removed, present from participants order by id"
                    )
                ]
                + [tuple(r) for r in await resolution.fetch("select principal_id, holder_id from proxies order by 1")]
                + [tuple(r) for r in await resolution.fetch("select id, status, timezone from meetings")],
                "notifier": [
                    tuple(r)
                    for r in await notifier.fetch(
                        "select participant_id, name, email, role, weight, removed from participants order by 1"
                    )
                ]
                + [tuple(r) for r in await notifier.fetch("select meeting_id, status, title_vi from meetings")]
                + [tuple(r) for r in await notifier.fetch("select event_id from events order by 1")]
                + [
                    tuple(r)
                    for r in await notifier.fetch(
                        "select kind, to_addr from emails where kind <> 'invitation' order by 2"
                    )
                ],
                "positions": [
                    await positions.position(resolution, meeting_id),
                    await positions.position(notifier, meeting_id),
                ],
            }
            raise Rollback(state)
    except Rollback as done:
        return done.state
    finally:
        await resolution.close()
        await notifier.close()


class Rollback(Exception):
    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state


@pytest.mark.lengthy
@settings(
    max_examples=60,
    phases=[__import__("hypothesis").Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=OPS, order=st.randoms(use_true_random=False))
def test_any_interleaving_of_meeting_and_poll_events_leaves_both_read_models_as_in_order(
    database_url: str, env: dict[str, Any], ops: list[Op], order: Any
) -> None:
    meeting_id = uuid.uuid4()
    people = [uuid.uuid4() for _ in range(3)]
    in_order = history(meeting_id, people, ops)
    in_order += poll_events(meeting_id, len(in_order))
    arrivals = in_order.copy()
    order.shuffle(arrivals)
    expected = asyncio.run(state_after(database_url, in_order, meeting_id, env))
    assert expected["positions"] == [len(in_order) - 2] * 2
    for batched in (False, True):
        got = asyncio.run(state_after(database_url, arrivals, meeting_id, env, batched))
        for key in expected:
            assert sorted(map(str, got[key])) == sorted(map(str, expected[key])), (
                key,
                batched,
                [e.event_type for e in in_order],
                [e.meeting_seq for e in arrivals],
            )
