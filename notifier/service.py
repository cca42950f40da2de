"""The notifier's rules, free of HTTP and SQL: event-type filters, Standard Webhooks signatures,
retry schedule, which SMTP refusals are final, what the live stream shows, and which fields never
leave the notifier."""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import hashlib
import hmac
import random
import re
import secrets
from typing import Any

import aiosmtplib
import msgspec

from schemas.events import EVENT_TYPES, Event

SECRET_PREFIX = "whsec_"
# Fields that carry a credential, even sealed: emailed to their owner, never sent to webhooks or
# browsers, never stored in the event log. (`invite_url` is from events published before links were sealed.)
CREDENTIAL_FIELDS = frozenset({"invite_url", "sealed_link"})

# What the live stream shows a meeting's participants.
LIVE_TYPES = frozenset(
    {
        "meeting.updated",
        "meeting.rescheduled",
        "meeting.cancelled",
        "meeting.started",
        "meeting.ended",
        "agenda.item_added",
        "agenda.item_updated",
        "agenda.item_removed",
        "agenda.reordered",
        "agenda.item_started",
        "agenda.item_ended",
        "speaker.requested",
        "speaker.withdrawn",
        "speaker.started",
        "speaker.paused",
        "speaker.resumed",
        "speaker.ended",
        "speaker.list_reordered",
        "speaker.list_changed",
        "room.projector_changed",
        "motion.proposed",
        "motion.admitted",
        "motion.rejected",
        "participant.checked_in",
        "participant.checked_out",
        "poll.created",
        "poll.opened",
        "poll.turnout_changed",
        "poll.closed",
        # amendments are read by everyone in the meeting: their pages show them under the resolution
        "resolution.amended",
        "amendment.proposed",
        "amendment.accepted",
        "amendment.rejected",
        "resolution.adopted",
        "resolution.rejected",
        "directive.issued",
        "directive.status_changed",
    }
)

_FAMILIES = frozenset(t.split(".", 1)[0] for t in EVENT_TYPES)
_PATTERN = re.compile(r"^(\*|[a-z_]+\.\*|[a-z_]+\.[a-z_]+)$")


def validate_event_filter(patterns: list[str]) -> str | None:
    """None when every pattern is `*`, `<family>.*` or a known event type; else what is wrong."""
    if not patterns:
        return "give at least one event type or pattern"
    for p in patterns:
        if not _PATTERN.match(p):
            return f"{p!r} is not an event type, `family.*` or `*`"
        family, _, rest = p.partition(".")
        if p != "*" and family not in _FAMILIES:
            return f"{p!r}: no event family {family!r}"
        if rest and rest != "*" and p not in EVENT_TYPES:
            return f"{p!r}: no such event type"
    return None


def matches(patterns: list[str], event_type: str) -> bool:
    """The same rule as the SQL fan-out in db.py, for callers outside the database."""
    for p in patterns:
        if p == "*" or p == event_type or (p.endswith(".*") and event_type.startswith(p[:-1])):
            return True
    return False


def public_payload(event: Event) -> bytes:
    """The event as JSON with credentials removed: the body of webhooks and live-stream frames."""
    data: dict[str, Any] = msgspec.to_builtins(event)
    for name in CREDENTIAL_FIELDS:
        data.pop(name, None)
    return msgspec.json.encode(data)


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "id.timestamp.body">` (Standard Webhooks)."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_headers(secrets_: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Headers of one attempt; during a rotation overlap every live secret signs (space-separated)."""
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in secrets_),
        "user-agent": "hoinghi-notifier/1",
    }


def parse_schedule(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


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


def total_schedule_s(schedule: list[float]) -> float:
    return sum(schedule)


def refused_for_good(exc: BaseException) -> bool:
    """The recipient's side refused this message for good: a 5xx answer to RCPT (the address) or to
    DATA (the message). Retrying cannot change that answer and only keeps the organiser from hearing
    of it. A 4xx is a "try later"; a refused sender, a failed login or a lost connection is ours or
    the network's, so those are retried on the schedule."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(500 <= r.code < 600 for r in exc.recipients)
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError):
        return 500 <= exc.code < 600
    return False


def smtp_error(exc: BaseException) -> str:
    """A failure as the email log keeps it (and an organiser reads it): a mail server's answer as it
    gave it (code and words), or the error itself."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        exc = exc.recipients[0]
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"{exc.code} {exc.message}".strip()
    return f"{type(exc).__name__}: {exc}"
