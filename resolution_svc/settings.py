from __future__ import annotations

from servicekit.settings import CommonSettings


class Settings(CommonSettings, frozen=True, kw_only=True):
    """resolution_svc's settings; each is read from the upper-cased environment variable."""

    port: int = 8082
    # How often scheduled polls, turnout (coalesced to at most one event per poll per round) and overdue
    # directives are checked.
    schedule_interval_s: float = 0.3
