"""The webhook channel's HTTP handlers, thin: authenticate, decode, check (filters, the SSRF guard), call
notifier.webhooks.db, answer. Subscriptions, their secrets, the delivery log, dead letters and replays."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec
from aiohttp import web

from notifier import api, read_model
from notifier.access import SETTINGS, organiser, pool
from notifier.webhooks import db as webhooks
from notifier.webhooks.filters import validate_event_filter
from notifier.webhooks.signing import new_secret
from notifier.webhooks.ssrf import Guard, RefusedTarget
from servicekit import pg
from servicekit.http import Problem, check_if_match, convert_query, etag, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.tokens import Claims

GUARD = web.AppKey("guard", Guard)

MAX_REPLAY = 10_000


async def check_meeting(request: web.Request, claims: Claims, meeting_id: uuid.UUID | None) -> None:
    """A subscription may follow one meeting of the caller's own organisation only; another's is refused
    exactly like one that does not exist."""
    if meeting_id is None:
        return
    meeting = await read_model.meeting(pool(request), meeting_id)
    if meeting is None or meeting["organisation_id"] != claims.org:
        raise Problem(422, "Unknown meeting", "no such meeting in your organisation", field="meeting_id")


async def check_target(request: web.Request, url: str) -> None:
    try:
        await request.app[GUARD].check_url(url)
    except ValueError as exc:
        raise Problem(422, "Invalid URL", str(exc), field="url") from None
    except RefusedTarget as exc:
        raise Problem(422, "Target refused", f"{exc}; webhooks go to public addresses only", field="url") from None


def check_filter(event_types: list[str]) -> None:
    problem = validate_event_filter(event_types)
    if problem:
        raise Problem(422, "Invalid event filter", problem, field="event_types")


def subscription_body(row: pg.Row, expiries: list[dt.datetime]) -> api.Subscription:
    return api.Subscription(
        id=row["id"],
        url=row["url"],
        event_types=list(row["event_types"]),
        meeting_id=row["meeting_id"],
        description=row["description"],
        enabled=row["enabled"],
        disabled_reason=row["disabled_reason"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        previous_secrets_expire_at=expiries,
    )


async def create_subscription(request: web.Request) -> web.Response:
    claims = organiser(request)
    raw = await request.read()
    body = await read_json(request, api.SubscriptionCreate)
    check_filter(body.event_types)
    await check_meeting(request, claims, body.meeting_id)
    await check_target(request, body.url)
    async with pool(request).acquire() as conn, conn.transaction():

        async def create(conn: pg.Connection) -> web.Response:
            secret = new_secret()
            row = await webhooks.create_subscription(
                conn,
                organisation_id=claims.org,
                url=body.url,
                event_types=body.event_types,
                meeting_id=body.meeting_id,
                description=body.description,
                enabled=body.enabled,
                secret=secret,
            )
            out = api.SubscriptionWithSecret(**msgspec.structs.asdict(subscription_body(row, [])), secret=secret)
            return json_response(
                out,
                status=201,
                headers={"Location": f"/api/v1/subscriptions/{row['id']}", "ETag": etag(row["version"])},
            )

        return await idempotent(request, conn, f"organiser:{claims.sub}", raw, create)


async def list_subscriptions(request: web.Request) -> web.Response:
    claims = organiser(request)
    rows = await webhooks.subscriptions(pool(request), claims.org)
    return json_response(api.SubscriptionList(items=[subscription_body(r, []) for r in rows]))


async def _owned(request: web.Request, claims: Claims, conn: pg.Executor, lock: bool = False):
    sid = parse_uuid(request.match_info["subscription_id"], "subscription")
    row = await webhooks.subscription(conn, claims.org, sid, lock=lock)
    if row is None:
        raise Problem(404, "Not found", "no such subscription")
    return row


async def get_subscription(request: web.Request) -> web.Response:
    claims = organiser(request)
    row = await _owned(request, claims, pool(request))
    expiries = await webhooks.secret_expiries(pool(request), row["id"])
    return json_response(subscription_body(row, expiries), headers={"ETag": etag(row["version"])})


async def patch_subscription(request: web.Request) -> web.Response:
    claims = organiser(request)
    body = await read_json(request, api.SubscriptionPatch)
    changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
    if "event_types" in changes:
        check_filter(changes["event_types"])
    if changes.get("meeting_id") is not None:
        await check_meeting(request, claims, changes["meeting_id"])
    if "url" in changes:
        await check_target(request, changes["url"])
    if changes.get("enabled") is True:
        changes["disabled_reason"] = None
    elif changes.get("enabled") is False:
        changes["disabled_reason"] = "disabled by an organiser"
    async with pool(request).acquire() as conn, conn.transaction():
        row = await _owned(request, claims, conn, lock=True)
        check_if_match(request, row["version"])
        if changes:
            row = await webhooks.update_subscription(conn, row["id"], changes)
        expiries = await webhooks.secret_expiries(conn, row["id"])
    return json_response(subscription_body(row, expiries), headers={"ETag": etag(row["version"])})


async def delete_subscription(request: web.Request) -> web.Response:
    claims = organiser(request)
    async with pool(request).acquire() as conn, conn.transaction():
        row = await _owned(request, claims, conn, lock=True)
        check_if_match(request, row["version"])
        await webhooks.delete_subscription(conn, row["id"])
    return web.Response(status=204)


async def rotate_secret(request: web.Request) -> web.Response:
    claims = organiser(request)
    body = await read_json(request, api.RotateSecret) if request.can_read_body else api.RotateSecret()
    overlap = request.app[SETTINGS].webhook_secret_overlap_s if body.overlap_s is None else body.overlap_s
    if not 0 <= overlap <= 30 * 86400:
        raise Problem(422, "Invalid overlap", "between 0 and 30 days, in seconds", field="overlap_s")
    secret = new_secret()
    async with pool(request).acquire() as conn, conn.transaction():
        row = await _owned(request, claims, conn, lock=True)
        await webhooks.rotate_secret(conn, row["id"], secret, overlap)
        expiries = await webhooks.secret_expiries(conn, row["id"])
    return json_response(api.RotatedSecret(secret=secret, previous_secrets_expire_at=expiries))


def delivery_body(row: pg.Row, attempts: list[pg.Row]) -> api.Delivery:
    return api.Delivery(
        id=row["id"],
        subscription_id=row["subscription_id"],
        event_id=row["event_id"],
        event_type=row["event_type"],
        meeting_id=row["meeting_id"],
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"] if row["status"] == "pending" else None,
        last_status_code=row["last_status"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
        replay_of=row["replay_of"],
        attempt_log=[
            api.Attempt(
                attempt=a["attempt"],
                started_at=a["started_at"],
                latency_ms=round(a["latency_ms"], 3),
                status_code=a["status_code"],
                error=a["error"],
                outcome=a["outcome"],
            )
            for a in attempts
        ],
    )


async def _delivery_page(request: web.Request, subscription_ids: list[uuid.UUID], status: str | None) -> web.Response:
    query = convert_query(dict(request.query), api.DeliveryQuery)
    if not 1 <= query.limit <= 500:
        raise Problem(400, "Invalid query parameter", "limit is 1 to 500", field="limit")
    rows = await webhooks.deliveries(
        pool(request), subscription_ids, status=status or query.status, before=query.before, limit=query.limit
    )
    attempts = await webhooks.attempts_of(pool(request), [r["id"] for r in rows])
    items = [delivery_body(r, attempts.get(r["id"], [])) for r in rows]
    more = items[-1].created_at if len(items) == query.limit else None
    return json_response(api.DeliveryList(items=items, next_before=more))


async def list_deliveries(request: web.Request) -> web.Response:
    claims = organiser(request)
    row = await _owned(request, claims, pool(request))
    return await _delivery_page(request, [row["id"]], None)


async def dead_letters(request: web.Request) -> web.Response:
    """Deliveries that ran out of retries, across the organisation's subscriptions."""
    claims = organiser(request)
    rows = await webhooks.subscriptions(pool(request), claims.org)
    return await _delivery_page(request, [r["id"] for r in rows], "dead")


async def get_delivery(request: web.Request) -> web.Response:
    claims = organiser(request)
    sub = await _owned(request, claims, pool(request))
    did = parse_uuid(request.match_info["delivery_id"], "delivery")
    row = await webhooks.delivery(pool(request), sub["id"], did)
    if row is None:
        raise Problem(404, "Not found", "no such delivery")
    attempts = await webhooks.attempts_of(pool(request), [did])
    return json_response(delivery_body(row, attempts.get(did, [])))


async def replay_delivery(request: web.Request) -> web.Response:
    claims = organiser(request)
    async with pool(request).acquire() as conn, conn.transaction():
        sub = await _owned(request, claims, conn)
        did = parse_uuid(request.match_info["delivery_id"], "delivery")
        original = await webhooks.delivery(conn, sub["id"], did)
        if original is None:
            raise Problem(404, "Not found", "no such delivery")
        if original["status"] in ("pending", "delivering"):
            raise Problem(409, "Delivery in progress", "it is still being attempted; replay it once it has finished")
        replay = await webhooks.replay_delivery(conn, original)
        row = await webhooks.delivery(conn, sub["id"], replay["id"])
    assert row is not None
    return json_response(delivery_body(row, []), status=202)


async def replay_range(request: web.Request) -> web.Response:
    claims = organiser(request)
    body = await read_json(request, api.ReplayRange)
    until = body.until or dt.datetime.now(dt.UTC)
    if body.since.tzinfo is None or until.tzinfo is None:
        raise Problem(422, "Invalid time", "give times with an offset (RFC 3339)", field="since")
    if until <= body.since:
        raise Problem(422, "Invalid range", "until must be after since", field="until")
    async with pool(request).acquire() as conn, conn.transaction():
        sub = await _owned(request, claims, conn)
        count = await webhooks.replay_range(conn, sub, body.since, until, MAX_REPLAY)
    return json_response(api.Replayed(deliveries=count), status=202)
