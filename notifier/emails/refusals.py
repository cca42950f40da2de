"""When an email that did not go out is tried again: a refusal the recipient's side gives for good
(5xx to RCPT or DATA) ends it at once, anything else waits for the next delay of
`EMAIL_RETRY_SCHEDULE_S` until the schedule is spent; and how the email log words the failure.
Pure: no I/O."""

from __future__ import annotations

import aiosmtplib


def retry_in(schedule: list[float], attempts: int, exc: BaseException) -> float | None:
    """Seconds before the next try after `attempts` tries (the one that failed with `exc` included), or
    None when the email has failed for good."""
    if refused_for_good(exc):
        return None
    return schedule[attempts - 1] if attempts <= len(schedule) else None


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
