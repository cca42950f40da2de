"""Emails: queued per recipient, claimed by the senders, and their log."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from servicekit import pg

Row = pg.Row


async def add_emails(conn: pg.Connection, rows: list[tuple[Any, ...]]) -> None:
    """(source, kind, meeting_id, participant_id, to_addr, language, subject, text, html, sealed_link,
    notice_kind, calendar, calendar_method); one per (source, address)."""
    if rows:
        await conn.executemany(
            """insert into emails (source, kind, meeting_id, participant_id, to_addr, language, subject, text_body,
                                   html_body, sealed_link, notice_kind, calendar, calendar_method)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
               on conflict (source, to_addr) do nothing""",
            rows,
        )


async def claim_emails(conn: pg.Pool, limit: int, lease_s: float) -> list[Row]:
    return await conn.fetch(
        """with c as (select id from emails
                      where (status = 'pending' and next_attempt_at <= now())
                         or (status = 'sending' and lease_until < now())
                      order by next_attempt_at limit $1 for update skip locked)
           update emails e set status = 'sending', attempts = e.attempts + 1,
                  lease_until = now() + make_interval(secs => $2)
           from c where e.id = c.id returning e.*""",
        limit,
        lease_s,
    )


async def release_emails(conn: pg.Pool, email_ids: list[int]) -> None:
    """Claimed emails never tried (the sender stopped): due again now, the claim not counted."""
    await conn.execute(
        """update emails set status = 'pending', lease_until = null, next_attempt_at = now(),
                  attempts = greatest(attempts - 1, 0)
           where id = any($1) and status = 'sending'""",
        email_ids,
    )


async def email_sent(conn: pg.Pool, email_id: int) -> None:
    await conn.execute(
        "update emails set status = 'sent', sent_at = now(), lease_until = null, last_error = null,"
        " sealed_link = null where id = $1",
        email_id,
    )


async def email_failed(conn: pg.Executor, email_id: int, error: str, retry_in_s: float | None) -> None:
    await conn.execute(
        """update emails set status = case when $3::float8 is null then 'failed' else 'pending' end,
                  last_error = $2, lease_until = null,
                  sealed_link = case when $3::float8 is null then null else sealed_link end,
                  next_attempt_at = now() + make_interval(secs => coalesce($3::float8, 0))
           where id = $1""",
        email_id,
        error[:2000],
        retry_in_s,
    )


async def emails_of_meeting(
    conn: pg.Pool,
    organisation_id: uuid.UUID,
    meeting_id: uuid.UUID,
    status: str | None,
    before: int | None,
    limit: int,
) -> list[Row] | None:
    """The meeting's email log, newest first; None when the meeting is not the organisation's."""
    async with conn.acquire() as c:
        known = await c.fetchval(
            "select true from meetings where meeting_id = $1 and organisation_id = $2", meeting_id, organisation_id
        )
        if not known:
            return None
        return await c.fetch(
            """select id, kind, participant_id, to_addr, language, subject, status, attempts, last_error, created_at,
                      next_attempt_at, sent_at
               from emails where meeting_id = $1 and ($2::text is null or status = $2)
                 and ($3::bigint is null or id < $3)
               order by id desc limit $4""",
            meeting_id,
            status,
            before,
            limit,
        )


async def add_notice(conn: pg.Connection, key: str) -> bool:
    return bool(await conn.fetchval("insert into notices (key) values ($1) on conflict do nothing returning true", key))


async def meetings_starting_within(conn: pg.Connection, now: dt.datetime, seconds: float) -> list[Row]:
    return await conn.fetch(
        """select * from meetings where status not in ('cancelled', 'started', 'ended')
           and starts_at > $1 and starts_at <= $1 + make_interval(secs => $2)""",
        now,
        seconds,
    )


async def contribution_deadlines_within(conn: pg.Connection, now: dt.datetime, seconds: float) -> list[Row]:
    return await conn.fetch(
        """select * from contribution_requests
           where deadline > $1 and deadline <= $1 + make_interval(secs => $2)""",
        now,
        seconds,
    )
