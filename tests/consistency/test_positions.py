"""A meeting's position noted many events at a time ends where noting them one by one ends, whatever the
order, the gaps and the repeats."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from schemas.bus import positions

BATCHES = st.lists(st.lists(st.integers(1, 30), max_size=12), min_size=1, max_size=6)


async def after(url: str, batches: list[list[int]], many: bool) -> tuple[int, list[int]]:
    conn = await asyncpg.connect(url, server_settings={"search_path": "resolution"})
    meeting_id = uuid.uuid4()
    try:
        async with conn.transaction():
            for batch in batches:
                if many and batch:
                    await positions.record_many(conn, meeting_id, batch)
                for seq in [] if many else batch:
                    await positions.record(conn, meeting_id, seq)
            ahead = await conn.fetch(
                "select seq from meeting_positions_ahead where meeting_id = $1 order by seq", meeting_id
            )
            result = (await positions.position(conn, meeting_id), [r["seq"] for r in ahead])
            raise Rollback(result)
    except Rollback as done:
        return done.result
    finally:
        await conn.close()


class Rollback(Exception):
    def __init__(self, result: Any) -> None:
        self.result = result


@settings(
    max_examples=80,
    phases=[Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(batches=BATCHES)
def test_noting_a_batch_at_once_ends_where_one_by_one_ends(database_url: str, batches: list[list[int]]) -> None:
    expected = asyncio.run(after(database_url, batches, many=False))
    assert asyncio.run(after(database_url, batches, many=True)) == expected


async def test_a_batch_that_closes_a_gap_runs_on_through_what_waited_ahead(database_url: str) -> None:
    # 1 missing: 2..4 wait ahead; then 1 with 6 arrives: through 4, and 6 waits for 5
    assert await after(database_url, [[3, 2, 4], [6, 1]], many=True) == (4, [6])
