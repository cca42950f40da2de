from __future__ import annotations

from servicekit.settings import CommonSettings


class Settings(CommonSettings, frozen=True, kw_only=True):
    """resolution_svc's settings; each is read from the upper-cased environment variable."""

    port: int = 8082
    # How often scheduled polls, turnout (coalesced to at most one event per poll per round) and overdue
    # directives are checked.
    schedule_interval_s: float = 0.3
    # How long opening or closing a poll waits for this service's read model to have applied every meeting
    # event meeting_svc acknowledged before the request (docs/consistency.md); then 503 with Retry-After.
    consistency_wait_s: float = 5.0
    # base64 of 32 random bytes (or the path of a file holding it) from which the keys of secret ballots and
    # receipts derive; it never enters the database. Changing it while a secret poll is open makes that poll
    # impossible to close (docs/secret-ballots.md). `python -m devstack keys` makes one.
    ballot_key: str = ""
