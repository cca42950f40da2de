"""When a failed webhook delivery is tried again: the schedule with its jitter, and `Retry-After`."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from notifier.settings import Settings, parse_schedule
from notifier.webhooks.retries import next_delay, parse_retry_after, retry_delay

NOW = dt.datetime(2021, 1, 14, 7, 0, tzinfo=dt.UTC)


def test_the_default_schedule_is_eight_attempts_over_about_a_day() -> None:
    schedule = parse_schedule(Settings().webhook_retry_schedule_s)
    assert len(schedule) + 1 == 8
    assert 20 * 3600 <= sum(schedule) <= 30 * 3600


def test_each_retry_waits_its_delay_within_the_jitter_and_none_is_left_after_the_last() -> None:
    schedule = [5.0, 300.0, 1800.0]
    assert [retry_delay(schedule, n, 0.0) for n in (1, 2, 3)] == schedule
    assert retry_delay(schedule, 4, 0.0) is None
    assert retry_delay(schedule, 0, 0.0) is None
    rng = random.Random(7)
    waits = [retry_delay(schedule, 2, 0.2, rng) for _ in range(200)]
    assert all(w is not None and 240.0 <= w <= 360.0 for w in waits)
    assert len(set(waits)) > 100  # spread out: receivers that fail together are not retried together


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Thu, 14 Jan 2021 07:05:00 GMT", 300.0),
        ("Thu, 14 Jan 2021 06:00:00 GMT", 0.0),  # a date already past: no wait of its own
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
    ],
)
def test_retry_after_is_delta_seconds_or_an_http_date(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds


def test_retry_after_pushes_the_next_attempt_later_never_sooner_and_is_capped() -> None:
    assert next_delay([10.0], 1, 0.0, None, 3600.0) == 10.0
    assert next_delay([10.0], 1, 0.0, 600.0, 3600.0) == 600.0
    assert next_delay([10.0], 1, 0.0, 1.0, 3600.0) == 10.0
    assert next_delay([10.0], 1, 0.0, 10.0**9, 3600.0) == 3600.0
    # no retry left: the endpoint's wish does not revive the delivery
    assert next_delay([10.0], 2, 0.0, 60.0, 3600.0) is None
