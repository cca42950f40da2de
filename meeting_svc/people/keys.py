"""The key of each participant's address (servicekit.identity.email_key), kept beside the address: set
when a participant is added or edited, and once at start for participants added before it was kept. A
calendar feed finds the person's other meetings by it (record/db.py)."""

from __future__ import annotations

import asyncio

import structlog

from meeting_svc.people import db
from servicekit.runtime import Runtime

log = structlog.get_logger("meeting.email_keys")

BATCH = 1000
RETRY_S = 5.0


async def key_earlier_addresses(runtime: Runtime) -> None:
    """Once at start, in batches: the key of every address that has none yet."""
    keyed = 0
    while True:
        try:
            async with runtime.db().acquire() as conn:
                rows = await db.unkeyed_emails(conn, BATCH)
                await db.set_email_keys(conn, [(r["id"], r["email"], db.key_of(r["email"]) or "") for r in rows])
            keyed += len(rows)
            if len(rows) < BATCH:
                if keyed:
                    log.info("earlier addresses keyed", count=keyed)
                return
        except Exception as exc:  # a passing outage: try again, the addresses wait in the table
            log.warning("keying earlier addresses failed", error=repr(exc))
            await asyncio.sleep(RETRY_S)
