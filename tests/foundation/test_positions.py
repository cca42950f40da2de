"""A read model's position in a meeting's events (schemas/bus/positions.py) with two replicas applying
neighbouring events at the same moment, in the one order that used to strand an event: the later event
parks itself ahead of the gap while holding the meeting's row, and the earlier one waits for that row."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg

from schemas.bus import positions
from tests.conftest import wait_for


async def waits_for_a_lock(observer: asyncpg.Connection[Any], pid: int) -> bool:
    return bool(await observer.fetchval("select wait_event_type = 'Lock' from pg_stat_activity where pid = $1", pid))


async def test_an_event_parked_ahead_by_a_concurrent_transaction_is_not_stranded(database_url: str) -> None:
    connect = {"server_settings": {"search_path": "resolution"}}
    first, second, observer = [await asyncpg.connect(database_url, **connect) for _ in range(3)]  # type: ignore[arg-type]
    try:
        meeting = uuid.uuid4()
        await positions.record(first, meeting, 1)
        later, earlier = second.transaction(), first.transaction()
        await later.start()
        assert await positions.record(second, meeting, 3) == 1  # 2 not applied yet: 3 waits ahead
        await earlier.start()
        applying_2 = asyncio.create_task(positions.record(first, meeting, 2))
        await wait_for(lambda: waits_for_a_lock(observer, first.get_server_pid()), timeout=30, what="a lock wait")
        await later.commit()  # 3 is parked ahead, committed, while 2 waits for the meeting's row
        assert await asyncio.wait_for(applying_2, 30) == 3  # 2 closes the gap and runs on through 3
        await earlier.commit()
        assert await positions.position(observer, meeting) == 3
        assert (
            await observer.fetchval("select count(*) from meeting_positions_ahead where meeting_id = $1", meeting) == 0
        )
    finally:
        for conn in (first, second, observer):
            await conn.close()
