"""Wake-ups from the database: a webhook dispatcher or an email sender sleeps until PostgreSQL notifies
it of new work (a trigger's NOTIFY on commit), with polling only as the fallback."""

from __future__ import annotations

import asyncio

import asyncpg

from servicekit import pg
from servicekit.runtime import Runtime


async def listen(runtime: Runtime, channel: str, wake: asyncio.Event) -> pg.Connection:
    """A connection that sets `wake` whenever the database notifies `channel`."""
    conn = await asyncpg.connect(runtime.settings.database_url)
    try:
        await conn.add_listener(f"{runtime.service}_{channel}", lambda *_: wake.set())
    except BaseException:  # also a shutdown cancelling us here: no connection may be left open behind
        conn.terminate()
        raise
    return conn
