"""meeting_svc's events as they reach resolution_svc: the dispatch. Every meeting event is validated, then
applied to the meeting's roster and attendance (roster.py, the read model) inside the consumer's
transaction (docs/consistency.md); an admitted motion prepares its poll (motions.py); ending or cancelling a
meeting closes its open polls (deciding.py). Each applied meeting event advances the meeting's position,
which the barrier of poll open and close waits for."""

from __future__ import annotations

from collections.abc import Sequence

from resolution_svc import db, deciding, roster
from resolution_svc.motions import prepare_poll
from schemas import events as ev
from schemas import validation
from schemas.bus import NotYet, PoisonEvent, positions
from schemas.bus.consumer import Bulk, Handler
from schemas.events import Event
from schemas.validation import event_problem
from servicekit import pg
from servicekit.runtime import Runtime


def meeting_event_handler(runtime: Runtime) -> Handler:
    async def handle(conn: pg.Connection, event: Event) -> None:
        problem = event_problem(event)
        if problem:
            raise PoisonEvent(problem)
        await roster.apply(conn, event)
        if isinstance(event, ev.MeetingEnded | ev.MeetingCancelled):
            await close_open_polls(runtime, conn, event)
        if isinstance(event, ev.MotionAdmitted):
            await prepare_poll(runtime, conn, event)
        if event.meeting_seq is not None:
            await positions.record(conn, event.meeting_id, event.meeting_seq)

    return handle


async def apply_participant_facts(conn: pg.Connection, events: Sequence[Event]) -> None:
    """A run of participant facts (a roster import) set-based, as `meeting_event_handler` would apply
    each in turn: the rows, then the meetings' positions."""
    facts = validation.participant_facts(events)
    await roster.upsert_participants(conn, facts)
    await positions.record_events(conn, facts)


PARTICIPANT_FACTS = Bulk((ev.ParticipantFacts,), apply_participant_facts)


async def settle(conn: pg.Connection, event: Event) -> None:
    """A dead-lettered meeting event still counts as passed, or every later barrier would wait for it."""
    if event.meeting_seq is not None:
        await positions.record(conn, event.meeting_id, event.meeting_seq)


async def close_open_polls(runtime: Runtime, conn: pg.Connection, event: Event) -> None:
    """An ended or cancelled meeting takes no more ballots: its open polls close with what was cast, counted
    on everything meeting_svc acknowledged before the end (so the events before it must be in first)."""
    if event.meeting_seq is not None:
        through = await positions.position(conn, event.meeting_id)
        if through < event.meeting_seq - 1:
            raise NotYet(f"meeting events {through + 1}..{event.meeting_seq - 1} before its end")
    reason: deciding.ClosedBy = "meeting_ended" if isinstance(event, ev.MeetingEnded) else "meeting_cancelled"
    for poll_id in await db.open_polls(conn, event.meeting_id):
        poll = await db.poll(conn, poll_id, lock=True)
        if poll is not None and poll["status"] == "open":
            await deciding.close_poll(runtime, conn, poll, None, position=event.meeting_seq, reason=reason)
