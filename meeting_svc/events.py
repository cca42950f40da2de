"""The numbering of a meeting's events (docs/consistency.md): each event gets its meeting's next
meeting_seq in the transaction that writes it to the outbox, so numbers follow commit order; and how
far a meeting's events have gone."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec

from schemas.events import Event
from servicekit import pg


async def number_events(conn: pg.Connection, events: Sequence[Event]) -> list[Event]:
    """Give each event its meeting's next meeting_seq. The update locks the meeting row until commit, so
    numbers follow commit order: whoever has seen number n has seen everything acknowledged before it."""
    counts: dict[uuid.UUID, int] = {}
    for event in events:
        counts[event.meeting_id] = counts.get(event.meeting_id, 0) + 1
    last: dict[uuid.UUID, int] = {}
    for meeting_id, n in sorted(counts.items()):  # one lock order, whatever the events' order
        last[meeting_id] = await conn.fetchval(
            "update meetings set event_seq = event_seq + $2 where id = $1 returning event_seq", meeting_id, n
        )
    numbered = []
    for event in events:
        remaining = counts[event.meeting_id]
        counts[event.meeting_id] = remaining - 1
        numbered.append(msgspec.structs.replace(event, meeting_seq=last[event.meeting_id] - remaining + 1))
    return numbered


async def event_position(conn: pg.Executor, meeting_id: uuid.UUID) -> int | None:
    """The meeting_seq of the meeting's latest committed event (None for an unknown meeting)."""
    return await conn.fetchval("select event_seq from meetings where id = $1", meeting_id)


async def meeting_event_seq(conn: pg.Connection, meeting_id: uuid.UUID) -> int:
    """The number of the meeting's latest event: the SEQUENCE of its calendar entry, as in the emails."""
    return int(await conn.fetchval("select event_seq from meetings where id = $1", meeting_id) or 0)
