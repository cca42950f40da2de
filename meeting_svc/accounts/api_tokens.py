"""Organiser API tokens for machines: made with a name and a scope, shown once, listed by name, created and
last used, revoked at once (here; in the other services through the revocation bucket)."""

from __future__ import annotations

import datetime as dt
import uuid

from aiohttp import web

from meeting_svc.access import CLOCK, SIGNER, organiser, pool
from meeting_svc.accounts import db
from meeting_svc.accounts.api import ApiToken, ApiTokenCreate, ApiTokenList, NewApiToken
from servicekit import pg
from servicekit.http import Problem, json_response, parse_uuid, read_json
from servicekit.tokens import Claims


def token_body(row: pg.Row) -> ApiToken:
    return ApiToken(
        id=row["jti"],
        name=row["name"],
        scope=row["scope"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        last_used_at=row["last_used_at"],
        made_by=row.get("made_by"),
    )


async def create_api_token(request: web.Request) -> web.Response:
    claims = await organiser(request)
    body = await read_json(request, ApiTokenCreate)
    expires = request.app[CLOCK]() + dt.timedelta(days=body.days)
    jti = uuid.uuid4()
    token = request.app[SIGNER].sign(
        Claims(
            kind="organiser", sub=claims.sub, org=claims.org, jti=jti, exp=int(expires.timestamp()), scope=body.scope
        )
    )
    # No Idempotency-Key: a replayed answer would have to keep the token itself, and only its hash is kept.
    row = await db.add_token(
        pool(request),
        jti=jti,
        organiser_id=claims.sub,
        token=token,
        expires=expires,
        purpose="api",
        name=body.name,
        scope=body.scope,
    )
    made = token_body(row)
    answer = NewApiToken(**{f: getattr(made, f) for f in ApiToken.__struct_fields__}, token=token)
    return json_response(answer, 201, {"Location": f"/api/v1/api-tokens/{jti}", "Cache-Control": "no-store"})


async def list_api_tokens(request: web.Request) -> web.Response:
    claims = await organiser(request)
    rows = await db.api_tokens(pool(request), claims.org)
    return json_response(ApiTokenList(items=[token_body(r) for r in rows]))


async def revoke_api_token(request: web.Request) -> web.Response:
    claims = await organiser(request)
    jti = parse_uuid(request.match_info["token_id"], "token")
    if not await db.revoke_api_token(pool(request), claims.org, jti):
        raise Problem(404, "Not found", "no such token")
    return web.Response(status=204)
