"""Time for the three services to become ready on a fresh database (migrations included), and the
latency of a `/readyz` round trip (database ping + NATS state)."""

from __future__ import annotations

import time

import aiohttp

from bench.stack import Stack


async def run(stack: Stack) -> dict[str, float | int]:
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        for _ in range(200):
            async with session.get(f"{stack.url('meeting_svc')}/readyz") as response:
                assert response.status == 200
        per_call = (time.perf_counter() - started) / 200
    return {"stack.ready_s": round(stack.ready_s, 3), "stack.readyz_ms": round(per_call * 1000, 3)}
