"""The notifier's settings, read from the environment, and the reading of its schedule settings."""

from __future__ import annotations

from typing import Annotated

import msgspec

from servicekit.settings import CommonSettings


class Settings(CommonSettings, frozen=True, kw_only=True):
    """The notifier's settings; each is read from the upper-cased environment variable."""

    port: int = 8083
    # Where links in emails point (the participant web client), e.g. https://meet.example.org
    web_url: str = "http://127.0.0.1:8081"

    # --- webhooks ---
    # Permit webhook targets on loopback/private/link-local networks (the local demo and tests).
    webhook_allow_private: bool = False
    # Comma-separated CIDRs permitted even though they are not public, e.g. "10.20.0.0/16,fd00::/8".
    webhook_allow_cidrs: str = ""
    webhook_timeout_s: float = 10.0
    # Delays in seconds before each retry after the first attempt; 8 attempts spread over ~27 hours.
    webhook_retry_schedule_s: str = "5,300,1800,7200,18000,36000,36000"
    # Each delay is multiplied by a random factor in [1 - jitter, 1 + jitter].
    webhook_retry_jitter: float = 0.2
    # Longest wait a `Retry-After` answer may impose on one retry.
    webhook_max_retry_after_s: float = 86400.0
    # Concurrent requests to one endpoint URL (per process); the others never wait for it.
    webhook_max_per_endpoint: int = 4
    # Concurrent requests overall (per process).
    webhook_max_in_flight: int = 256
    # A claimed delivery whose attempt has not finished after timeout + this margin (a crashed
    # process) becomes due again.
    webhook_lease_margin_s: float = 30.0
    # Old secrets keep signing for this long after a rotation unless the request says otherwise.
    webhook_secret_overlap_s: int = 86400
    # Fallback polling interval of the dispatchers (they are woken by the database on new work).
    dispatch_poll_s: float = 1.0

    # --- email ---
    # Private key (base64, or the path of a file holding it) that opens the personal invite links
    # meeting_svc seals to its public half (INVITE_SEAL_PUBLIC_KEY there); from the environment only.
    invite_seal_private_key: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    # "none", "starttls" or "tls" (implicit TLS, usually port 465)
    smtp_tls: str = "none"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = "Hội nghị <no-reply@hoinghi.local>"
    smtp_timeout_s: float = 30.0
    # SMTP connections used at once (per process); a slow server round trip then delays one batch, not all.
    smtp_connections: Annotated[int, msgspec.Meta(ge=1, le=64)] = 4
    # Delays in seconds before each retry of an email; after the last one the email is marked failed. A
    # 5xx answer to RCPT or DATA is final at once (notifier.emails.refusals).
    email_retry_schedule_s: str = "10,60,300,1800,7200"
    # How often meetings are checked for due reminders (24 h / 1 h before start, contribution deadlines).
    reminder_interval_s: float = 60.0
    # How long before a contribution deadline the "deadline near" email goes out.
    contribution_deadline_notice_s: int = 86400

    # Where people reach the notifier from an email: the links to their notice settings and one-click
    # unsubscribe (RFC 8058) point here, e.g. https://notify.example.org
    public_url: str = "http://127.0.0.1:8083"
    # Key (base64 of 32 bytes, or the path of a file holding it) that signs those links; empty: one the
    # notifier makes once and keeps in its database.
    notice_link_key: str = ""
    # Hour of the day, in each meeting's time zone, when the day's digest goes out to those who get one.
    digest_hour: Annotated[int, msgspec.Meta(ge=0, le=23)] = 17

    # --- live stream ---
    sse_heartbeat_s: float = 15.0
    # Frames buffered per client; a client that falls this far behind is disconnected (it resumes
    # with Last-Event-ID).
    sse_client_buffer: int = 1000
    # Live streams open at once; one more is answered 429 with Retry-After before it starts. 0: no limit.
    # Each notifier process counts the streams it holds (a replica its own): a stream is a connection held
    # for as long as it is open, not a rate, so the limits are per process.
    # Per caller credential (the participant session or organiser token it is opened with): a phone, a
    # laptop and a reload whose old stream is not yet noticed gone, with room to spare.
    sse_streams_per_session: Annotated[int, msgspec.Meta(ge=0)] = 8
    # Per client address (an IPv6 client's /64; behind TRUSTED_PROXIES, the address they forwarded): a
    # whole venue may sit behind one NAT address. Clients in RATE_LIMIT_EXEMPT are not counted here.
    sse_streams_per_address: Annotated[int, msgspec.Meta(ge=0)] = 2000
    # In all, whoever opens them: keep it under the process's open-file limit.
    sse_streams_total: Annotated[int, msgspec.Meta(ge=0)] = 10000


def parse_schedule(text: str) -> list[float]:
    """A schedule setting (comma-separated seconds, e.g. `WEBHOOK_RETRY_SCHEDULE_S`) as its delays."""
    return [float(x) for x in text.split(",") if x.strip()]
