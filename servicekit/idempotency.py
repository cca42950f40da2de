"""`Idempotency-Key` on creating POSTs: the first answer is stored in the same transaction as the
change it made, and a retry with the same key and body gets that answer back instead of a second
resource. The same key with a different body is a 422."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

import msgspec
from aiohttp import web

from servicekit import pg
from servicekit.http import Problem

Create = Callable[[pg.Connection], Awaitable[web.Response]]


async def idempotent(
    request: web.Request, conn: pg.Connection, scope: str, body: bytes, create: Create
) -> web.Response:
    """Run `create` inside the caller's transaction unless this key was already answered."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return await create(conn)
    if not 1 <= len(key) <= 255:
        raise Problem(400, "Invalid Idempotency-Key", "1 to 255 characters", field="Idempotency-Key")
    digest = hashlib.sha256(body).digest()
    scope = f"{scope}:{request.method}:{request.path}"
    # Serialise concurrent retries of the same key: the second waits for the first to commit.
    await conn.execute("select pg_advisory_xact_lock(hashtext($1))", f"{scope}:{key}")
    row = await conn.fetchrow(
        "select request_hash, status, body, headers from idempotency_keys where scope = $1 and key = $2", scope, key
    )
    if row is not None:
        if bytes(row["request_hash"]) != digest:
            raise Problem(422, "Idempotency-Key reused with a different request", field="Idempotency-Key")
        headers = msgspec.json.decode(row["headers"].encode() if isinstance(row["headers"], str) else row["headers"])
        headers["Idempotent-Replayed"] = "true"
        return web.Response(
            status=row["status"], body=bytes(row["body"]), content_type="application/json", headers=headers
        )
    response = await create(conn)
    if 200 <= response.status < 300:
        kept = {k: v for k, v in response.headers.items() if k in ("Location", "ETag")}
        await conn.execute(
            "insert into idempotency_keys (scope, key, request_hash, status, body, headers)"
            " values ($1, $2, $3, $4, $5, $6::jsonb)",
            scope,
            key,
            digest,
            response.status,
            response.body,
            msgspec.json.encode(kept).decode(),
        )
    return response
