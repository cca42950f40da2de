"""The services' notion of "now", passed in where a rule depends on it: tests move a clock instead of
waiting for the wall clock (or racing it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
