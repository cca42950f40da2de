"""Keeps resolution_svc's decisions for the minutes: each event of interest stored verbatim, once (the
consumer base makes handling idempotent; the primary key makes a second copy a no-op)."""

from __future__ import annotations

from meeting_svc.record.minutes import store
from schemas import events as ev
from schemas.codec import encode
from schemas.events import Event
from servicekit import pg

KEPT = (
    ev.ResolutionDrafted,
    ev.ResolutionAmended,
    ev.AmendmentProposed,
    ev.AmendmentAccepted,
    ev.AmendmentRejected,
    ev.PollOpened,
    ev.PollClosed,
    ev.ResolutionAdopted,
    ev.ResolutionRejected,
)


async def keep_decisions(conn: pg.Connection, event: Event) -> None:
    if isinstance(event, KEPT):
        await store.add_record_event(
            conn, event.id, event.meeting_id, event.event_type, event.occurred_at, encode(event)
        )
