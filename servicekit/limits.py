"""Rate limits on the API: a number of requests a minute per caller (its bearer token or session cookie)
and per client address, shared by every replica of a service through PostgreSQL; a request over either
is answered 429 with `Retry-After`.

Counting each request in the database would put a round trip on every request, a ballot's included, so
each replica counts in memory and once a second adds what it counted to the shared rows (a row per key
and minute) in one statement, reading the totals back. A decision is the shared total as last read plus
what this replica counted since: across replicas the limit holds to within a second of traffic. The
window slides: the previous minute's count weighs by the part of it still inside the last sixty seconds.

Health, metrics and the web client's static files (cheap, immutable, never touching the database) are not
counted, nor are clients in `RATE_LIMIT_EXEMPT` (by default this machine itself: its tests, benchmarks
and seeding)."""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import asyncpg
import structlog
from aiohttp import web
from aiohttp.typedefs import Middleware

from servicekit import pg
from servicekit.clients import Clients, limit_key
from servicekit.http import Handler, Problem

log = structlog.get_logger("limits")

MINUTE = 60.0
SYNC_INTERVAL_S = 1.0
UNCOUNTED = ("/healthz", "/readyz", "/metrics", "/web/", "/favicon.ico")


def estimate(previous: int, current: int, elapsed: float) -> float:
    """Requests in the sixty seconds up to now, `elapsed` seconds into the current minute."""
    return previous * (1 - elapsed / MINUTE) + current


def wait_for_room(previous: int, current: int, elapsed: float, limit: int) -> float:
    """Seconds until one more request fits under `limit` (0 when it fits now)."""
    if estimate(previous, current, elapsed) + 1 <= limit:
        return 0.0
    if current + 1 <= limit:  # the previous minute's weight is what is in the way: it fades
        return max(MINUTE * (1 - (limit - current - 1) / previous) - elapsed, 0.0)
    # this minute is full: wait for it to end and for its weight to fade far enough
    return (MINUTE - elapsed) + max(MINUTE * (1 - (limit - 1) / current), 0.0)


def client_of(request: web.Request, clients: Clients) -> str:
    """The address of the client behind the request, as the nearest proxy not trusted saw it."""
    return clients.address(request.remote, request.headers.getall("X-Forwarded-For", []))


def caller_key(request: web.Request) -> str | None:
    """Who the caller says they are, whether or not it holds: the bearer token, else the session cookie."""
    credential = request.headers.get("Authorization") or next(
        (v for k, v in sorted(request.cookies.items()) if "hoinghi_" in k), None
    )
    return credential_key(credential) if credential else None


def credential_key(credential: str) -> str:
    """A digest, so no credential is kept in the counting table."""
    return "caller:" + hashlib.sha256(credential.encode()).hexdigest()[:32]


@dataclass
class RateLimits:
    per_caller: int  # requests a minute; 0: not limited
    per_address: int
    clients: Clients = field(default_factory=Clients)  # who is asking, and who is never limited
    clock: Callable[[], float] = time.time
    _shared: dict[tuple[str, int], int] = field(default_factory=dict)  # totals at the last sync
    _local: Counter[tuple[str, int]] = field(default_factory=Counter)  # counted here since

    def keys(self, request: web.Request) -> list[tuple[str, int]]:
        """The counters a request counts under, with their limits."""
        if request.path.startswith(UNCOUNTED) or request.method == "OPTIONS":
            return []
        client = client_of(request, self.clients)
        if self.clients.is_exempt(client):
            return []
        keys = []
        caller = caller_key(request)
        if caller is not None and self.per_caller > 0:
            keys.append((caller, self.per_caller))
        if self.per_address > 0:
            keys.append(("address:" + limit_key(client), self.per_address))
        return keys

    def admit(self, keys: Sequence[tuple[str, int]], now: float) -> float:
        """Count a request under `keys`; 0 when admitted, else the seconds to wait (and nothing counted)."""
        minute, elapsed = divmod(now, MINUTE)
        m = int(minute)
        wait = max(
            (wait_for_room(self._count(k, m - 1), self._count(k, m), elapsed, lim) for k, lim in keys), default=0
        )
        if wait == 0:
            for key, _ in keys:
                self._local[(key, m)] += 1
        return wait

    def total(self, key: str, now: float) -> int:
        """What this replica knows of `key`'s count in the current minute."""
        return self._count(key, int(now // MINUTE))

    def _count(self, key: str, minute: int) -> int:
        return self._shared.get((key, minute), 0) + self._local.get((key, minute), 0)

    async def sync(self, pool: pg.Executor, now: float) -> None:
        """Add what this replica counted to the shared rows, and read back the totals of every key it
        has seen in the window (the other replicas' counts included)."""
        current = int(now // MINUTE)
        for table in (self._shared, self._local):
            for stale in [k for k in table if k[1] < current - 1]:
                del table[stale]
        counted = [(key, minute, n) for (key, minute), n in self._local.items() if n]
        seen = sorted({key for key, _ in self._shared})
        if not counted and not seen:
            return
        rows = await pool.fetch(
            """with added as (
                   insert into rate_counts (key, minute, n)
                   select * from unnest($1::text[], $2::bigint[], $3::int[])
                   on conflict (key, minute) do update set n = rate_counts.n + excluded.n
                   returning key, minute, n
               )
               select key, minute, n from added
               union all
               select key, minute, n from rate_counts
               where key = any($4::text[]) and minute >= $5
                 and (key, minute) not in (select key, minute from added)""",
            [c[0] for c in counted],
            [c[1] for c in counted],
            [c[2] for c in counted],
            seen,
            current - 1,
        )
        for key, minute, n in counted:
            self._local[(key, minute)] -= n
            if self._local[(key, minute)] <= 0:
                del self._local[(key, minute)]
        for row in rows:
            self._shared[(row["key"], row["minute"])] = row["n"]

    async def run(self, pool: pg.Pool) -> None:
        """Sync every second; once a minute, drop the rows no window needs any more."""
        pruned = 0.0
        while True:
            await asyncio.sleep(SYNC_INTERVAL_S)
            now = self.clock()
            try:
                await self.sync(pool, now)
                if now - pruned >= MINUTE:
                    await pool.execute("delete from rate_counts where minute < $1", int(now // MINUTE) - 1)
                    pruned = now
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                log.warning("rate counts not shared, counting here alone", error=repr(exc)[:200])


def rate_limit(limits: RateLimits) -> Middleware:
    """The middleware answering 429 with Retry-After to a request over a limit."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        keys = limits.keys(request)
        if keys:
            wait = limits.admit(keys, limits.clock())
            if wait > 0:
                seconds = str(max(1, math.ceil(wait)))
                raise Problem(429, "Too many requests", f"try again in {seconds} s", headers={"Retry-After": seconds})
        return await handler(request)

    return middleware
