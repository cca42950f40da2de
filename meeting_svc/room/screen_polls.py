"""The room's screen shows the vote in progress and the last result, which live in resolution_svc: meeting_svc
keeps a small read model of each poll from resolution_svc's `poll.*` events (its own consumer, idempotent
like every other). A poll's status only moves forward (draft, open, closed), so a late or repeated event
never takes a closed poll back to open, and turnout only grows while the poll is open."""

from __future__ import annotations

import msgspec

from schemas import events as ev
from schemas.events import Event
from servicekit import pg


async def apply_poll_event(conn: pg.Connection, event: Event) -> None:
    match event:
        case ev.PollCreated():
            await conn.execute(
                "insert into room_polls (poll_id, meeting_id, question_vi, question_en, secret)"
                " values ($1, $2, $3, $4, $5) on conflict (poll_id) do nothing",
                event.poll_id,
                event.meeting_id,
                event.question.vi,
                event.question.en,
                event.secret,
            )
        case ev.PollOpened():
            await conn.execute(
                "insert into room_polls (poll_id, meeting_id, question_vi, question_en, secret, status,"
                " eligible_count, voted_count, opened_at) values ($1, $2, $3, $4, $5, 'open', $6, 0, $7)"
                " on conflict (poll_id) do update set status = 'open', eligible_count = excluded.eligible_count,"
                " voted_count = coalesce(room_polls.voted_count, 0), opened_at = excluded.opened_at"
                " where room_polls.status = 'draft'",
                event.poll_id,
                event.meeting_id,
                event.question.vi,
                event.question.en,
                event.secret,
                event.eligible_count,
                event.occurred_at,
            )
        case ev.TurnoutChanged():
            await conn.execute(
                "update room_polls set voted_count = $2, eligible_count = $3"
                " where poll_id = $1 and status = 'open' and coalesce(voted_count, 0) <= $2",
                event.poll_id,
                event.voted_count,
                event.eligible_count,
            )
        case ev.PollClosed():
            await conn.execute(
                "insert into room_polls (poll_id, meeting_id, status, result, closed_at)"
                " values ($1, $2, 'closed', $3::jsonb, $4) on conflict (poll_id) do update set status = 'closed',"
                " result = excluded.result, closed_at = excluded.closed_at where room_polls.status <> 'closed'",
                event.poll_id,
                event.meeting_id,
                msgspec.json.encode(event.result).decode(),
                event.occurred_at,
            )


async def screen_poll(pool: pg.Pool, meeting_id: object) -> pg.Row | None:
    """The poll the screen shows: the one open most recently, else the one closed last."""
    return await pool.fetchrow(
        "select poll_id, question_vi, question_en, secret, status, eligible_count, voted_count, result::text"
        " from room_polls where meeting_id = $1 and status in ('open', 'closed')"
        " order by status = 'open' desc, coalesce(closed_at, opened_at) desc nulls last limit 1",
        meeting_id,
    )
