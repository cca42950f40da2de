"""The live stream's SQL: each meeting's live sequence numbers, and the logged live events after one."""

from __future__ import annotations

import uuid

from servicekit import pg

Row = pg.Row


async def next_live_seq(conn: pg.Connection, meeting_id: uuid.UUID) -> int:
    return await conn.fetchval(
        """insert into live_cursors (meeting_id, seq) values ($1, 1)
           on conflict (meeting_id) do update set seq = live_cursors.seq + 1 returning seq""",
        meeting_id,
    )


async def live_events_after(conn: pg.Executor, meeting_id: uuid.UUID, after: int, limit: int = 1000) -> list[Row]:
    return await conn.fetch(
        """select live_seq, event_type, payload from events
           where meeting_id = $1 and live_seq > $2 order by live_seq limit $3""",
        meeting_id,
        after,
        limit,
    )


async def live_position(conn: pg.Executor, meeting_id: uuid.UUID) -> int:
    return await conn.fetchval("select coalesce(max(seq), 0) from live_cursors where meeting_id = $1", meeting_id)
