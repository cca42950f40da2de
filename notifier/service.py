"""The notifier's rules not yet in a channel's package, free of HTTP and SQL: which SMTP refusals are
final, what the live stream shows, and which fields never leave the notifier."""

from __future__ import annotations

from typing import Any

import aiosmtplib
import msgspec

from schemas.events import Event

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


def public_payload(event: Event) -> bytes:
    """The event as JSON with credentials removed: the body of webhooks and live-stream frames."""
    data: dict[str, Any] = msgspec.to_builtins(event)
    for name in CREDENTIAL_FIELDS:
        data.pop(name, None)
    return msgspec.json.encode(data)


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
