"""Sleeping until woken: the loops of the relay and the dispatchers wait for a notification or a poll."""

from __future__ import annotations

import asyncio
import contextlib


async def woken_or_timeout(event: asyncio.Event, seconds: float) -> None:
    """Wait until `event` is set or `seconds` pass.

    `asyncio.timeout`, unlike `asyncio.wait_for` on Python 3.11, never swallows a cancellation that
    arrives just as the event is set; a loop around a swallowed one would never stop at shutdown.
    """
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
