"""The sliding minute a rate limit counts over, and the wait it names in Retry-After."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.limits import MINUTE, RateLimits, estimate, wait_for_room


def test_the_previous_minute_fades_as_this_one_passes() -> None:
    assert estimate(60, 10, 0.0) == 70
    assert estimate(60, 10, 30.0) == 40
    assert estimate(60, 10, MINUTE) == 10


@pytest.mark.parametrize(
    ("previous", "current", "elapsed", "limit", "wait"),
    [
        (0, 0, 0.0, 10, 0.0),
        (0, 9, 5.0, 10, 0.0),  # the tenth fits
        (0, 10, 5.0, 10, 55.0 + 6.0),  # this minute is full: its end, then 1/10 of a minute of fading
        (10, 0, 0.0, 10, 6.0),  # the previous minute must fade by one request
        (10, 4, 30.0, 10, 0.0),  # half of the previous ten, four now: the tenth fits
        (20, 5, 30.0, 10, 18.0),  # 20 × (1 − t/60) + 5 + 1 ≤ 10 from t = 48 s, 18 s from now
    ],
)
def test_the_wait_until_one_more_fits(previous: int, current: int, elapsed: float, limit: int, wait: float) -> None:
    assert wait_for_room(previous, current, elapsed, limit) == pytest.approx(wait)


@given(st.integers(0, 500), st.integers(0, 500), st.floats(0, MINUTE, exclude_max=True), st.integers(1, 400))
def test_after_the_wait_one_more_fits_and_not_before(previous: int, current: int, elapsed: float, limit: int) -> None:
    wait = wait_for_room(previous, current, elapsed, limit)
    assert wait >= 0
    later = elapsed + wait
    if later < MINUTE:
        assert estimate(previous, current, later) + 1 <= limit + 1e-9
    else:  # the wait ran into the next minute: this one is then the previous
        assert estimate(current, 0, later - MINUTE) + 1 <= limit + 1e-9
    if wait > 1e-6:
        assert estimate(previous, current, elapsed) + 1 > limit


def test_a_refused_request_is_not_counted_and_keys_count_apart() -> None:
    limits = RateLimits(per_caller=3, per_address=100)
    now = 1_000_000 * MINUTE + 1.0
    alice, bob = [("caller:alice", 3)], [("caller:bob", 3)]
    assert [limits.admit(alice, now) for _ in range(3)] == [0, 0, 0]
    assert limits.admit(alice, now) > 0
    assert limits.admit(alice, now) > 0
    assert limits.admit(bob, now) == 0
    # a minute later the three have faded to one and a half: one more fits
    assert limits.admit(alice, now + MINUTE + 30) == 0
