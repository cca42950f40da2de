"""Revoked organiser API tokens, known to every service.

Tokens are verified by each service with the public key alone, so a revocation recorded in
meeting_svc's database must reach the others. meeting_svc copies the id (`jti`) of every revoked,
unexpired token into a JetStream key-value bucket; the other services look an organiser token up
there before its request is handled, remembering a "not revoked" answer for a couple of seconds.
A revocation therefore takes effect everywhere within about `SYNC_INTERVAL_S + REMEMBER_S`.

When the bucket cannot be read, organiser requests are refused with 503 rather than let through:
a token that may have been revoked is not trusted. Participants' session tokens are not affected.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import Awaitable, Callable

import asyncpg
import nats.errors
import nats.js.errors
import structlog
from aiohttp import web
from nats.js.api import KeyValueConfig, StorageType
from nats.js.kv import KeyValue

from servicekit import pg
from servicekit.http import Handler, Problem
from servicekit.runtime import RUNTIME, Runtime
from servicekit.sessions import not_allowed
from servicekit.tokens import READ_METHODS, TokenVerifier

log = structlog.get_logger("revocations")

SYNC_INTERVAL_S = 1.0
REMEMBER_S = 2.0

# (pool, since) -> (jti, revoked_at) of unexpired tokens revoked since then (all when None)
RevokedSince = Callable[[pg.Pool, dt.datetime | None], Awaitable[list[tuple[uuid.UUID, dt.datetime]]]]


def bucket_name(runtime: Runtime) -> str:
    ns = runtime.settings.nats_namespace.replace(".", "_")
    return f"{ns}_REVOKED_TOKENS" if ns else "REVOKED_TOKENS"


async def revoked_tokens(runtime: Runtime) -> KeyValue:
    """The bucket, created by whichever service needs it first, its entries expiring after KV_TTL_S."""
    if runtime.js is None:
        raise nats.errors.ConnectionClosedError  # not connected yet
    name = bucket_name(runtime)
    ttl = runtime.settings.kv_ttl_s
    try:
        bucket = await runtime.js.key_value(name)
    except nats.js.errors.BucketNotFoundError:
        config = KeyValueConfig(
            bucket=name, history=1, storage=StorageType.FILE, replicas=runtime.settings.stream_replicas, ttl=ttl
        )
        try:
            return await runtime.js.create_key_value(config)
        except nats.js.errors.BadRequestError:  # created meanwhile by another process
            bucket = await runtime.js.key_value(name)
    # A bucket made before entries expired (or with another TTL) is brought up to date.
    info = await runtime.js.stream_info(f"KV_{name}")
    if info.config.max_age != ttl:
        await runtime.js.update_stream(info.config.evolve(max_age=ttl, duplicate_window=min(120.0, ttl)))
    return bucket


class RevocationCheck:
    """Answers whether an organiser token was revoked, from the bucket, remembering recent answers."""

    def __init__(self, verifier: TokenVerifier) -> None:
        self.verifier = verifier
        self._not_revoked: dict[uuid.UUID, float] = {}
        self._bucket: KeyValue | None = None

    async def revoked(self, runtime: Runtime, jti: uuid.UUID) -> bool:
        now = time.monotonic()
        if self._not_revoked.get(jti, 0.0) > now:
            return False
        try:
            if self._bucket is None:
                self._bucket = await revoked_tokens(runtime)
            await self._bucket.get(str(jti))
        except nats.js.errors.KeyNotFoundError:
            if len(self._not_revoked) > 10_000:
                self._not_revoked.clear()
            self._not_revoked[jti] = now + REMEMBER_S
            return False
        except (TimeoutError, nats.errors.Error, OSError) as exc:
            log.warning("revocations unreadable", error=repr(exc))
            raise Problem(
                503,
                "Service unavailable",
                "cannot check the token's revocation; retry shortly",
                headers={"Retry-After": "2"},
            ) from None
        return True

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        # the same token the handler will read, wherever the request carries it
        token = self.verifier.token_of(request)
        if token:
            claims = self.verifier.verify(token)
            if claims.kind == "organiser" and await self.revoked(request.app[RUNTIME], claims.jti):
                raise Problem(401, "Token revoked", field="Authorization", headers={"WWW-Authenticate": "Bearer"})
            if claims.scope == "read" and request.method not in READ_METHODS:
                raise not_allowed()
        return await handler(request)


async def share_revocations(runtime: Runtime, revoked_since: RevokedSince) -> None:
    """meeting_svc's side: copy every revoked, unexpired token id into the bucket, then keep copying
    new revocations. Puts are idempotent, so the overlap below only repeats a few. Entries expire
    after KV_TTL_S, so every revoked token still unexpired is written again each quarter of it:
    the bucket forgets a revocation only once its token has expired."""
    watermark: dt.datetime | None = None
    rewrite_every = runtime.settings.kv_ttl_s / 4
    rewritten_at = time.monotonic()
    while True:
        if time.monotonic() - rewritten_at >= rewrite_every:
            watermark, rewritten_at = None, time.monotonic()
        try:
            bucket = await revoked_tokens(runtime)
            # a revocation may commit a little after its timestamp: look back over a margin
            since = watermark - dt.timedelta(seconds=30) if watermark else None
            for jti, revoked_at in await revoked_since(runtime.db(), since):
                await bucket.put(str(jti), revoked_at.isoformat().encode())
                watermark = max(watermark or revoked_at, revoked_at)
        except (TimeoutError, nats.errors.Error, OSError, asyncpg.PostgresError) as exc:
            log.warning("revocations not shared yet", error=repr(exc))
        await asyncio.sleep(SYNC_INTERVAL_S)
