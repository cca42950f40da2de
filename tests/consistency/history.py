"""Meeting histories as meeting_svc would publish them (numbered 1, 2, 3… per meeting), and a model of a
consumer that puts an event back when the handler says a related one has not arrived yet."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg
import msgspec

from schemas import events as ev
from schemas.bus import Bulk, NotYet, PoisonEvent
from schemas.codec import new_event
from schemas.events import Event

ORG = uuid.UUID("0193a000-0000-7000-8000-000000000001")
STARTS = dt.datetime(2031, 1, 14, 6, 30, tzinfo=dt.UTC)
Op = tuple[Any, ...]


def meeting_fact(cls: type[Event], meeting_id: uuid.UUID, title: str = "Hội nghị") -> Event:
    return new_event(
        cls,
        meeting_id=meeting_id,
        organisation_id=ORG,
        title=ev.Bilingual(vi=title, en="Conference"),
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(hours=4),
        timezone="Asia/Ho_Chi_Minh",
        status="scheduled",
    )


def person(cls: type[Event], meeting_id: uuid.UUID, pid: uuid.UUID, i: int, role: str, weight: int) -> Event:
    return new_event(
        cls,
        meeting_id=meeting_id,
        participant_id=pid,
        name=f"Người dự {i}",
        email=f"nd{i}@quatest2.example.org",
        role=role,
        weight=weight,
        language="vi" if i % 2 else "en",
    )


def history(meeting_id: uuid.UUID, people: Sequence[uuid.UUID], ops: Sequence[Op]) -> list[Event]:
    """The meeting's events in the order meeting_svc committed them, numbered; ops on removed people dropped
    (meeting_svc refuses them)."""
    events: list[Event] = [meeting_fact(ev.MeetingCreated, meeting_id)]
    events += [person(ev.ParticipantInvited, meeting_id, p, i, "voting_member", 1) for i, p in enumerate(people)]
    events.append(new_event(ev.MeetingStarted, meeting_id=meeting_id))
    removed: set[int] = set()
    for op in ops:
        kind, i = op[0], op[1]
        if i in removed or (kind in ("grant", "revoke") and op[2] in removed):
            continue
        pid = people[i]
        match kind:
            case "update":
                events.append(person(ev.ParticipantUpdated, meeting_id, pid, i, op[2], op[3]))
            case "check_in" | "check_out":
                cls = ev.CheckedIn if kind == "check_in" else ev.CheckedOut
                events.append(
                    new_event(cls, meeting_id=meeting_id, participant_id=pid, present_count=0, present_weight=0)
                )
            case "grant" | "revoke":
                cls = ev.ProxyGranted if kind == "grant" else ev.ProxyRevoked
                events.append(new_event(cls, meeting_id=meeting_id, principal_id=pid, holder_id=people[op[2]]))
            case "remove":
                removed.add(i)
                events.append(new_event(ev.ParticipantRemoved, meeting_id=meeting_id, participant_id=pid))
            case "retitle":
                events.append(meeting_fact(ev.MeetingUpdated, meeting_id, title=f"Hội nghị {i}"))
    return [msgspec.structs.replace(e, meeting_seq=n) for n, e in enumerate(events, start=1)]


def poll_events(meeting_id: uuid.UUID, position: int) -> list[Event]:
    """What resolution_svc publishes about a poll opened and closed on everything up to `position`."""
    poll_id = uuid.uuid4()
    question = ev.Bilingual(vi="Biểu quyết", en="Vote")
    result = ev.PollResult(
        tallies=[],
        base="cast",
        base_weight=0,
        threshold="simple",
        required_weight="0",
        quorum_met=True,
        outcome="rejected",
    )
    return [
        new_event(
            ev.PollOpened,
            meeting_id=meeting_id,
            poll_id=poll_id,
            question=question,
            options=["yes", "no"],
            secret=True,
            eligible_count=0,
            eligible_weight=0,
            meeting_position=position,
        ),
        new_event(ev.PollClosed, meeting_id=meeting_id, poll_id=poll_id, result=result, meeting_position=position),
    ]


async def deliver(
    conn: asyncpg.Connection,
    arrivals: Sequence[Event],
    handle: Callable[[asyncpg.Connection, Event], Awaitable[None]],
    settle: Callable[[asyncpg.Connection, Event], Awaitable[None]] | None = None,
    bulk: Bulk | None = None,
) -> None:
    """Hand events to `handle` in this order, each in its own savepoint as the consumer does; an event the
    handler cannot act on yet goes to the back of the queue (the consumer's nak with a delay). With `bulk`,
    a run of its types at the head of the queue goes to it at once, as in a fetched batch; if the run
    cannot be applied, its events go one by one, as the consumer splits a batch."""
    queue = list(arrivals)
    put_back = 0
    while queue:
        if bulk is not None:
            run = list(itertools.takewhile(lambda e: isinstance(e, bulk.types), queue))
            if len(run) > 1:
                try:
                    async with conn.transaction():
                        await bulk.handler(conn, run)
                    del queue[: len(run)]
                    continue
                except (NotYet, PoisonEvent):
                    pass
        event = queue.pop(0)
        try:
            async with conn.transaction():
                await handle(conn, event)
        except NotYet:
            queue.append(event)
            put_back += 1
            assert put_back < 100 * len(arrivals), "an event waits for one that never comes"
        except PoisonEvent:
            if settle is not None:
                async with conn.transaction():
                    await settle(conn, event)
