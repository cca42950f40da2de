"""Which SMTP failures end an email at once, when the others are tried again, and how the log words them."""

from __future__ import annotations

import aiosmtplib
import pytest

from notifier.emails.refusals import refused_for_good, retry_in, smtp_error


@pytest.mark.parametrize(
    ("error", "final"),
    [
        (aiosmtplib.SMTPRecipientRefused(550, "5.1.1 User unknown", "x@example.org"), True),
        (aiosmtplib.SMTPRecipientsRefused([aiosmtplib.SMTPRecipientRefused(553, "bad", "x@example.org")]), True),
        (aiosmtplib.SMTPRecipientsRefused([aiosmtplib.SMTPRecipientRefused(450, "busy", "x@example.org")]), False),
        (aiosmtplib.SMTPRecipientsRefused([]), False),
        (aiosmtplib.SMTPDataError(554, "5.7.1 Message rejected"), True),
        (aiosmtplib.SMTPDataError(451, "4.3.0 Try again"), False),
        # ours or the network's, not the recipient's: retried on the schedule
        (aiosmtplib.SMTPSenderRefused(550, "sender unknown", "no-reply@example.org"), False),
        (aiosmtplib.SMTPAuthenticationError(535, "bad credentials"), False),
        (aiosmtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError("refused"), False),
    ],
)
def test_only_a_5xx_to_rcpt_or_data_is_final(error: Exception, final: bool) -> None:
    assert refused_for_good(error) is final


def test_the_log_keeps_the_servers_code_and_words() -> None:
    refused = aiosmtplib.SMTPRecipientsRefused([aiosmtplib.SMTPRecipientRefused(550, "User unknown", "x@a.org")])
    assert smtp_error(refused) == "550 User unknown"
    assert smtp_error(TimeoutError("slow")) == "TimeoutError: slow"


def test_a_temporary_failure_waits_for_the_next_delay_until_the_schedule_is_spent() -> None:
    schedule = [10.0, 60.0, 300.0]
    busy = aiosmtplib.SMTPRecipientsRefused([aiosmtplib.SMTPRecipientRefused(450, "busy", "x@example.org")])
    assert [retry_in(schedule, n, busy) for n in (1, 2, 3, 4)] == [10.0, 60.0, 300.0, None]
    assert retry_in(schedule, 1, ConnectionRefusedError("refused")) == 10.0


def test_a_refusal_for_good_is_not_retried_even_with_the_schedule_ahead() -> None:
    unknown = aiosmtplib.SMTPRecipientRefused(550, "5.1.1 User unknown", "x@example.org")
    assert retry_in([10.0, 60.0], 1, unknown) is None
