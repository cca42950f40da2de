"""When a failed webhook delivery is tried again: the retry schedule with its jitter, and the
endpoint's own `Retry-After`, which may push the next attempt later but never sooner. Pure: no I/O.

The schedule is `WEBHOOK_RETRY_SCHEDULE_S` (notifier.settings): one delay per retry after the first
attempt; once they are spent the delivery is dead (a dead letter an organiser can replay).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random


def retry_delay(
    schedule: list[float], attempts_made: int, jitter: float, rng: random.Random | None = None
) -> float | None:
    """Seconds to wait after `attempts_made` failed attempts, or None when no retry is left."""
    if attempts_made < 1 or attempts_made > len(schedule):
        return None
    base = schedule[attempts_made - 1]
    factor = 1.0 + (rng or random).uniform(-jitter, jitter) if jitter > 0 else 1.0
    return max(base * factor, 0.0)


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """`Retry-After` as seconds from now: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - now).total_seconds(), 0.0)


def next_delay(
    schedule: list[float], attempts_made: int, jitter: float, retry_after: float | None, max_retry_after: float
) -> float | None:
    """The wait before the next attempt: the schedule's, but never sooner than the endpoint asked."""
    delay = retry_delay(schedule, attempts_made, jitter)
    if delay is None:
        return None
    if retry_after is not None:
        delay = max(delay, min(retry_after, max_retry_after))
    return delay
