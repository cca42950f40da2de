"""Participants' notice settings, digest items, and the notifier's own keys."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from typing import Any

from servicekit import pg

Row = pg.Row


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
        """select p.participant_id, p.name, p.language, p.removed, p.meeting_id, m.title_vi, m.title_en
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
