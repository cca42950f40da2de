"""Email sending: the senders claim queued emails, build each message and hand it to the SMTP server.

Delivery guarantee: the email row is committed with the event's handling (one row per source and
address, so a redelivered event adds nothing). The sender claims a row with a lease, sends it over
SMTP, then marks it sent. A crash after the SMTP server accepted the message but before the mark
commits sends it again once the lease runs out: we choose at-least-once over losing an invitation,
and the narrow window is further reduced by a deterministic Message-ID, which lets mail systems and
clients discard the copy. Each message stands alone: one whose row cannot be built into a message
(bad data) is failed at once with the reason, one the SMTP server refuses for now is retried on the
schedule, one it refuses for good (5xx to RCPT or DATA) is failed at once, and none stops the others.
An invitation that ends failed by the server's answer or the schedule's end is published as
`invitation.bounced` (the notifier's outbox, in the same transaction), so the organiser sees it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import uuid

import aiosmtplib
import asyncpg
import structlog
from prometheus_client import Counter

from notifier.emails import db as emails
from notifier.emails.db import LinkKey
from notifier.emails.message import Outgoing, build_message, check_sender, outgoing
from notifier.emails.policy import settings_token, settings_url, unsubscribe_headers
from notifier.emails.refusals import retry_in, smtp_error
from notifier.emails.render import QR_CID, SETTINGS_PLACEHOLDER, with_link
from notifier.listen import listen
from notifier.settings import Settings, parse_schedule
from schemas import events as ev
from schemas.bus import enqueue
from schemas.bus.wake import woken_or_timeout
from schemas.codec import new_event
from schemas.subjects import Subjects
from servicekit import pg
from servicekit.qr import qr_png
from servicekit.runtime import Runtime
from servicekit.sealed import Opener, Unsealable, read_seal_key

log = structlog.get_logger("notifier.mailer")  # its name from before the package split: log filters use it

# Emails one sender claims and sends over one SMTP connection before claiming again.
BATCH = 20

SENT = Counter("emails_total", "Emails handed to the SMTP server or given up", ["outcome"])


def message_id(source: str, to_addr: str) -> str:
    return f"<{hashlib.sha256(f'{source}|{to_addr.lower()}'.encode()).hexdigest()[:32]}@hoinghi>"


def bounce_of(row: pg.Row, reason: str) -> ev.InvitationBounced | None:
    """The news, for meeting_svc, that this invitation email will not arrive; None for other emails."""
    if row["kind"] != "invitation" or row["participant_id"] is None or row["meeting_id"] is None:
        return None
    try:
        invitation = uuid.UUID(row["source"])  # the `participant.invitation_sent` that ordered it
    except ValueError:
        return None
    return new_event(
        ev.InvitationBounced,
        meeting_id=row["meeting_id"],
        participant_id=row["participant_id"],
        invitation_id=invitation,
        reason=" ".join(reason.split())[:500],  # one line, as the console shows it
    )


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.opener = (
            Opener(read_seal_key(settings.invite_seal_private_key, "INVITE_SEAL_PRIVATE_KEY"))
            if settings.invite_seal_private_key
            else None
        )
        self.schedule = parse_schedule(settings.email_retry_schedule_s)
        self.subjects = Subjects(settings.nats_namespace)
        self.wake = asyncio.Event()
        # Set at shutdown: a sender whose cancellation a library swallowed (aiosmtplib waits with
        # asyncio.wait_for, which on Python 3.11 can) still ends at its next round.
        self.stopping = False
        # A bad sender would make every message "cannot be built" and fail it for good: stop instead.
        check_sender(settings.smtp_from)
        self.link_key = LinkKey(
            read_seal_key(settings.notice_link_key, "NOTICE_LINK_KEY") if settings.notice_link_key else None
        )
        self.key = b""  # the link key, read before the first batch

    def message(self, row: pg.Row) -> Outgoing:
        """The email as sent; a sealed personal link is opened here, in memory, and nowhere else."""
        text, html_body = row["text_body"], row["html_body"]
        qr = None
        if row["sealed_link"]:
            if self.opener is None:
                raise Unsealable("INVITE_SEAL_PRIVATE_KEY is not set")
            link = self.opener.open(row["sealed_link"])
            text, html_body = with_link(text, html_body, link)
            if f"cid:{QR_CID}" in html_body:
                qr = qr_png(link, scale=4)  # small enough to build fast, sharp enough to scan
        headers: dict[str, str] = {}
        settings_link = self.settings.web_url
        if row["participant_id"] is not None:
            # under the participant's current generation: a link of an email sent before a revocation ends
            token = settings_token(self.key, row["participant_id"], row["session_epoch"] or 0)
            settings_link = settings_url(self.settings.public_url, token)
            if row["notice_kind"]:
                headers = unsubscribe_headers(self.settings.public_url, token, row["notice_kind"])
        text = text.replace(SETTINGS_PLACEHOLDER, settings_link)
        html_body = html_body.replace(SETTINGS_PLACEHOLDER, html.escape(settings_link, quote=True))
        return outgoing(
            build_message(
                sender=self.settings.smtp_from,
                to_addr=row["to_addr"],
                subject=row["subject"],
                text=text,
                html_body=html_body,
                message_id=message_id(row["source"], row["to_addr"]),
                language=row["language"],
                headers=headers,
                calendar=(row["calendar_method"], row["calendar"]) if row["calendar"] else None,
                qr_png=qr,
            )
        )

    def client(self) -> aiosmtplib.SMTP:
        s = self.settings
        return aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username or None,
            password=s.smtp_password or None,
            use_tls=s.smtp_tls == "tls",
            start_tls=True if s.smtp_tls == "starttls" else False,
            timeout=s.smtp_timeout_s,
        )

    async def run(self, runtime: Runtime) -> None:
        """Keep `smtp_connections` senders busy; each claims its own batch (claims skip locked rows)."""
        listener: pg.Connection | None = None
        senders = [asyncio.create_task(self.sender(runtime.db())) for _ in range(self.settings.smtp_connections)]
        try:
            while True:
                if listener is None or listener.is_closed():
                    with contextlib.suppress(Exception):
                        listener = await listen(runtime, "emails", self.wake)
                done, _ = await asyncio.wait(senders, timeout=self.settings.dispatch_poll_s)
                for task in done:
                    # A sender only ends by a bug: report it and put a new one in its place, so no
                    # organisation goes without email until the next restart.
                    if not task.cancelled() and task.exception() is not None:
                        log.error("email sender stopped, starting another", error=repr(task.exception()))
                    senders[senders.index(task)] = asyncio.create_task(self.sender(runtime.db()))
        finally:
            self.stopping = True
            for task in senders:
                task.cancel()
            if listener is not None:
                listener.terminate()  # at once: an await here could itself be cut short by shutdown
            await asyncio.gather(*senders, return_exceptions=True)

    async def sender(self, pool: pg.Pool) -> None:
        while not self.stopping:
            self.wake.clear()
            try:
                rows = await emails.claim_emails(pool, BATCH, self.settings.smtp_timeout_s + 30)
                await self.send_batch(pool, rows)
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("email batch failed, retrying", error=repr(exc))
                rows = []
            except Exception:
                if self.stopping or pool.is_closing():  # type: ignore[redundant-expr]  # run() sets it meanwhile
                    return  # shutting down: the pool is gone, and so is the work
                # Each message is guarded in send_batch; what reaches here is a bug around them. The
                # batch's leases run out and its rows are claimed again; this sender goes on.
                log.exception("email batch failed unexpectedly")
                rows = []
            if not rows:
                await woken_or_timeout(self.wake, self.settings.dispatch_poll_s)

    async def send_batch(self, pool: pg.Pool, rows: list[pg.Row]) -> None:
        """Send a batch over one SMTP connection. Each message stands alone: one that cannot be built is
        marked failed with the reason, one the server does not take is retried later on a fresh
        connection, and the rest of the batch goes on either way."""
        self.key = await self.link_key.get(pool)
        smtp: aiosmtplib.SMTP | None = None
        finished: set[int] = set()
        try:
            for row in rows:
                finished.add(row["id"])  # from here on this row is recorded or tried, even if cut short
                try:
                    message = self.message(row)
                except Unsealable as exc:  # sealed to another key: no retry can open it
                    await emails.email_failed(pool, row["id"], f"personal link cannot be opened: {exc}", None)
                    SENT.labels("failed").inc()
                    log.error("invitation link cannot be opened", email_id=row["id"], error=str(exc))
                    continue
                except Exception as exc:  # bad data in the row: no retry can build it
                    await self.unsendable(pool, row, exc)
                    continue
                try:
                    if smtp is None:
                        smtp = self.client()
                        await smtp.connect()
                    await smtp.sendmail(
                        message.sender,
                        [message.recipient],
                        message.data,
                        mail_options=["SMTPUTF8"] if message.smtputf8 else [],
                    )
                except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                    smtp = self.drop(smtp)
                    await self.failed(pool, row, exc)
                    continue
                except Exception as exc:  # a surprise from the client library: this message waits, the rest go on
                    log.exception("email not sent: unexpected error", email_id=row["id"])
                    smtp = self.drop(smtp)
                    await self.failed(pool, row, exc)
                    continue
                await emails.email_sent(pool, row["id"])
                SENT.labels("sent").inc()
        except asyncio.CancelledError:
            # Shutting down: the rows of the batch not yet tried go back at once, rather than waiting
            # for their lease to run out after a restart.
            untried = [r["id"] for r in rows if r["id"] not in finished]
            if untried:
                with contextlib.suppress(OSError, asyncpg.PostgresError):
                    await emails.release_emails(pool, untried)
            self.drop(smtp)  # no polite QUIT: the server may be in the middle of a message
            smtp = None
            raise
        finally:
            if smtp is not None:
                try:
                    with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
                        await smtp.quit()
                finally:
                    smtp.close()

    @staticmethod
    def drop(smtp: aiosmtplib.SMTP | None) -> None:
        """Close a connection that may be in any state; the next message opens a fresh one."""
        if smtp is not None:
            smtp.close()

    async def failed(self, pool: pg.Pool, row: pg.Row, exc: Exception) -> None:
        retry = retry_in(self.schedule, row["attempts"], exc)
        error = smtp_error(exc)
        bounce = bounce_of(row, error) if retry is None else None
        if bounce is None:
            await emails.email_failed(pool, row["id"], error, retry)
        else:
            # the email's end and the news of it commit together: neither is ever told without the other
            async with pool.acquire() as conn, conn.transaction():
                await emails.email_failed(conn, row["id"], error, None)
                await enqueue(conn, self.subjects, bounce)
        SENT.labels("failed" if retry is None else "retry").inc()
        log.warning("email not sent", to=row["to_addr"], error=error, retry_in_s=retry, bounced=bounce is not None)

    async def unsendable(self, pool: pg.Pool, row: pg.Row, exc: Exception) -> None:
        reason = f"cannot be built: {type(exc).__name__}: {exc}"
        await emails.email_failed(pool, row["id"], reason, None)
        SENT.labels("failed").inc()
        log.warning("email given up", email_id=row["id"], kind=row["kind"], error=reason[:300])
