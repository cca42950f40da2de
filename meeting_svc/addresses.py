"""The key kept beside every stored email address (servicekit.identity.email_key), by which organisers and
participants are looked up, limited and kept unique: written with each address, and filled in here for the
rows that have none (those the migration could not key in SQL, or written by an older version of this
service)."""

from __future__ import annotations

import uuid
from typing import Literal

import asyncpg
import structlog

from servicekit import pg
from servicekit.identity import email_key

log = structlog.get_logger("meeting.addresses")

FILL_BATCH = 500

# Who keeps addresses: organisers (unique among all), participants (unique in a meeting).
Holders = Literal["organisers", "participants"]


async def fill_email_keys(conn: pg.Connection, holders: Holders) -> int:
    """Give every address of `holders` its key where it has none. Idempotent, in batches; an address whose key
    is already another's where keys are unique keeps none and is logged (an organiser then signs in by
    password no more until one of the two is changed; both participants stay invited). Answers how many were
    filled."""
    filled, after = 0, uuid.UUID(int=0)
    while rows := await conn.fetch(
        f"select id, email from {holders} where email is not null and email_key is null and id > $1"
        " order by id limit $2",
        after,
        FILL_BATCH,
    ):
        for row in rows:
            try:
                async with conn.transaction():
                    done = await conn.execute(
                        f"update {holders} set email_key = $2 where id = $1 and email_key is null",
                        row["id"],
                        email_key(row["email"]),
                    )
                filled += done.endswith(" 1")
            except asyncpg.UniqueViolationError:
                log.warning("an address shares its key with another's", holders=holders, id=str(row["id"]))
        after = rows[-1]["id"]
    return filled
