"""Webhook dispatcher: claims due deliveries, sends them, records each attempt.

Claims are rows updated to `delivering` with a random claim token and a lease; a process that
crashes mid-attempt leaves a lease that runs out, and the delivery becomes due again (same
`webhook-id`, so receivers can drop the duplicate). The outcome is written only where the claim
token still matches, so one (event, subscription) is never recorded as delivered twice.
Each endpoint URL gets at most `webhook_max_per_endpoint` requests at a time; the others never
wait behind a slow one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
import uuid
from collections import Counter

import aiohttp
import asyncpg
import structlog
from prometheus_client import Counter as Metric
from prometheus_client import Histogram

from notifier.listen import listen
from notifier.settings import Settings, parse_schedule
from notifier.webhooks import db as webhooks
from notifier.webhooks.retries import next_delay, parse_retry_after
from notifier.webhooks.signing import webhook_headers
from notifier.webhooks.ssrf import Guard, GuardedResolver, RefusedTarget, parse_cidrs
from schemas.bus.wake import woken_or_timeout
from servicekit import pg
from servicekit.runtime import CLEANUP_ROUND_S, Runtime

log = structlog.get_logger("notifier.delivery")  # its name from before the package split: log filters use it

ATTEMPTS = Metric("webhook_attempts_total", "Webhook delivery attempts", ["outcome"])
LATENCY = Histogram("webhook_attempt_seconds", "Webhook attempt latency", buckets=(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10))


def guard_of(settings: Settings) -> Guard:
    return Guard(settings.webhook_allow_private, parse_cidrs(settings.webhook_allow_cidrs))


class Dispatcher:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.schedule = parse_schedule(settings.webhook_retry_schedule_s)
        self.guard = guard_of(settings)
        self.in_flight: Counter[str] = Counter()
        self.tasks: set[asyncio.Task[None]] = set()
        self.claims: dict[asyncio.Task[None], webhooks.Claim] = {}
        self.wake = asyncio.Event()

    async def run(self, runtime: Runtime) -> None:
        pool = runtime.db()
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(self.guard),
            limit=self.settings.webhook_max_in_flight,
            limit_per_host=0,
            ttl_dns_cache=None,
            use_dns_cache=False,
        )
        timeout = aiohttp.ClientTimeout(total=self.settings.webhook_timeout_s)
        listener: pg.Connection | None = None
        async with aiohttp.ClientSession(
            connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
        ) as http:
            try:
                while True:
                    if listener is None or listener.is_closed():
                        with contextlib.suppress(Exception):
                            listener = await listen(runtime, "deliveries", self.wake)
                    self.wake.clear()
                    try:
                        await self.dispatch(pool, http)
                    except (OSError, asyncpg.PostgresError) as exc:
                        log.warning("dispatch failed, retrying", error=repr(exc))
                    await woken_or_timeout(self.wake, self.settings.dispatch_poll_s)
            finally:
                if listener is not None:
                    listener.terminate()  # at once: an await here could itself be cut short by shutdown
                await self.shut_down(pool)

    async def shut_down(self, pool: pg.Pool) -> None:
        """At shutdown, give attempts in flight a moment to finish and record their outcome; hand the
        others back (pending, due now, the cut attempt logged) so a restart sends them at once instead
        of when their lease runs out. The runtime cancels again after CLEANUP_ROUND_S, hence the bound."""
        in_flight = set(self.tasks)
        if in_flight:
            # A second cancellation cuts the wait short, never the hand-back below.
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait(in_flight, timeout=CLEANUP_ROUND_S * 0.6)
        unfinished = [self.claims[t] for t in in_flight if not t.done() and t in self.claims]
        for task in in_flight:
            task.cancel()
        await asyncio.gather(*in_flight, return_exceptions=True)
        if not unfinished:
            return
        try:
            released = await webhooks.release(
                pool, unfinished, "interrupted: the notifier shut down during the attempt"
            )
            log.info("deliveries in flight handed back at shutdown", count=released)
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("deliveries in flight not handed back; their leases will run out", error=repr(exc))

    async def dispatch(self, pool: pg.Pool, http: aiohttp.ClientSession) -> None:
        room = self.settings.webhook_max_in_flight - len(self.tasks)
        if room <= 0:
            return
        candidates = await webhooks.due_candidates(pool, room * 4)
        chosen: list[uuid.UUID] = []
        planned: Counter[str] = Counter()
        for row in candidates:
            url = row["url"]
            if self.in_flight[url] + planned[url] >= self.settings.webhook_max_per_endpoint:
                continue
            planned[url] += 1
            chosen.append(row["id"])
            if len(chosen) >= room:
                break
        if not chosen:
            return
        token = uuid.uuid4()
        lease = self.settings.webhook_timeout_s + self.settings.webhook_lease_margin_s
        claimed = await webhooks.claim(pool, chosen, token, lease)
        secrets = await webhooks.secrets_of(pool, list({r["subscription_id"] for r in claimed}))
        for row in claimed:
            self.in_flight[row["url"]] += 1
            task = asyncio.create_task(self.attempt(pool, http, row, token, secrets.get(row["subscription_id"], [])))
            self.tasks.add(task)
            self.claims[task] = webhooks.Claim(row["id"], token, dt.datetime.now(dt.UTC))
            task.add_done_callback(self._done(row["url"]))

    def _done(self, url: str):
        def done(task: asyncio.Task[None]) -> None:
            self.tasks.discard(task)
            self.claims.pop(task, None)
            self.in_flight[url] -= 1
            if self.in_flight[url] <= 0:
                del self.in_flight[url]
            self.wake.set()  # a slot is free

        return done

    async def attempt(
        self, pool: pg.Pool, http: aiohttp.ClientSession, row: pg.Row, token: uuid.UUID, secrets: list[str]
    ) -> None:
        started_at = dt.datetime.now(dt.UTC)
        clock = time.perf_counter()
        status: int | None = None
        error: str | None = None
        retry_after: float | None = None
        body = bytes(row["payload"])
        try:
            await self.guard.check_url(row["url"])
            headers = webhook_headers(secrets, str(row["event_id"]), int(time.time()), body)
            async with http.post(row["url"], data=body, headers=headers, allow_redirects=False) as response:
                status = response.status
                retry_after = parse_retry_after(response.headers.get("Retry-After"), dt.datetime.now(dt.UTC))
                # Read a little of the answer (so the connection can be reused), never all of it.
                with contextlib.suppress(Exception):
                    await response.content.read(1024)
        except RefusedTarget as exc:
            error = f"refused by the SSRF guard: {exc}"
        except TimeoutError:
            error = f"no answer within {self.settings.webhook_timeout_s:g} s"
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        latency_ms = (time.perf_counter() - clock) * 1000
        LATENCY.observe(latency_ms / 1000)
        attempt_no = row["attempts"]
        retry_in: float | None = None
        if status is not None and 200 <= status < 300:
            outcome = next_status = "delivered"
        elif status == 410:
            outcome, next_status = "gone", "gone"
        else:
            outcome = "failed" if status is None else ("redirect" if 300 <= status < 400 else "failed")
            if status is not None and 300 <= status < 400:
                error = "redirects are not followed"
            retry_in = next_delay(
                self.schedule,
                attempt_no,
                self.settings.webhook_retry_jitter,
                retry_after,
                self.settings.webhook_max_retry_after_s,
            )
            next_status = "pending" if retry_in is not None else "dead"
        ATTEMPTS.labels(outcome).inc()
        async with pool.acquire() as conn, conn.transaction():
            moved = await webhooks.finish_attempt(
                conn,
                delivery_id=row["id"],
                token=token,
                attempt=attempt_no,
                started_at=started_at,
                latency_ms=latency_ms,
                status_code=status,
                error=error,
                outcome=outcome,
                next_status=next_status,
                retry_in_s=retry_in,
            )
            if moved and next_status == "gone":
                await webhooks.disable_subscription_of(conn, row["id"], "the endpoint answered 410 Gone")
        if not moved:
            log.warning("delivery outcome not recorded: claim lost", delivery_id=str(row["id"]))
