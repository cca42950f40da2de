"""The email channel's SQL: emails queued per recipient, claimed by the senders, and their log; the
reminders already queued (`notices`); participants' notice settings and the items held for their
digest; and the notifier's own keys (that of the notice settings links)."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Sequence
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
           from c where e.id = c.id
           returning e.*, (select p.session_epoch from participants p where p.participant_id = e.participant_id)
                          as session_epoch""",
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


# --- notice settings, digest items, own keys ---


async def opted_out(conn: pg.Connection, participant_ids: Sequence[uuid.UUID], kind: str) -> set[uuid.UUID]:
    rows = await conn.fetch(
        "select participant_id from notice_optouts where participant_id = any($1::uuid[]) and kind = $2",
        list(participant_ids),
        kind,
    )
    return {r["participant_id"] for r in rows}


async def kinds_off(conn: pg.Executor, participant_id: uuid.UUID) -> set[str]:
    rows = await conn.fetch("select kind from notice_optouts where participant_id = $1", participant_id)
    return {r["kind"] for r in rows}


async def turn_off(conn: pg.Executor, participant_id: uuid.UUID, kinds: Sequence[str]) -> None:
    await conn.execute(
        "insert into notice_optouts (participant_id, kind) select $1, unnest($2::text[]) on conflict do nothing",
        participant_id,
        list(kinds),
    )


async def turn_on(conn: pg.Executor, participant_id: uuid.UUID, kinds: Sequence[str]) -> None:
    await conn.execute(
        "delete from notice_optouts where participant_id = $1 and kind = any($2::text[])", participant_id, list(kinds)
    )


async def hold_for_digest(conn: pg.Connection, rows: list[tuple[Any, ...]]) -> None:
    """(source, meeting_id, participant_id, kind, to_addr, language, subject, text, occurred_at); one per
    (source, participant), so a redelivered event holds nothing twice."""
    if rows:
        await conn.executemany(
            """insert into digest_items (source, meeting_id, participant_id, kind, to_addr, language, subject,
                                         text_body, occurred_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (source, participant_id) do nothing""",
            rows,
        )


async def pending_digests(conn: pg.Connection) -> list[Row]:
    """Held items not yet sent in a digest, locked (another replica's round skips them), with their meeting."""
    return await conn.fetch(
        """select d.*, m.timezone, m.title_vi, m.title_en, m.status
           from digest_items d join meetings m using (meeting_id)
           where d.digest_source is null
           order by d.participant_id, d.occurred_at, d.id
           for update of d skip locked"""
    )


async def mark_digested(conn: pg.Connection, item_ids: list[int], digest_source: str) -> None:
    await conn.execute(
        "update digest_items set digest_source = $2 where id = any($1::bigint[])", item_ids, digest_source
    )


async def own_key(conn: pg.Pool, name: str) -> bytes:
    """A 32-byte key the notifier made once and shares with its replicas (the first one to start makes it)."""
    await conn.execute(
        "insert into own_keys (name, key) values ($1, $2) on conflict (name) do nothing", name, secrets.token_bytes(32)
    )
    return bytes(await conn.fetchval("select key from own_keys where name = $1", name))


async def participant(conn: pg.Pool, participant_id: uuid.UUID) -> Row | None:
    return await conn.fetchrow(
        """select p.participant_id, p.name, p.language, p.removed, p.session_epoch, p.meeting_id, m.title_vi,
                  m.title_en
           from participants p join meetings m using (meeting_id) where p.participant_id = $1""",
        participant_id,
    )


class LinkKey:
    """The key of notice settings links: the configured one, or the notifier's own from its database."""

    def __init__(self, configured: bytes | None) -> None:
        self.key = configured

    async def get(self, pool: pg.Pool) -> bytes:
        if self.key is None:
            self.key = await own_key(pool, "notice_links")
        return self.key
