"""Password reset by email: a single-use link that expires, emailed by the notifier (the link travels
sealed to its key, only its hash is kept here); setting the new password ends every session and token."""

from __future__ import annotations

import datetime as dt

import structlog
from aiohttp import web

from meeting_svc.access import SETTINGS, pool
from meeting_svc.accounts import db, rules
from meeting_svc.accounts.api import ResetComplete, ResetRequest
from meeting_svc.accounts.signin import client, now, start_session
from meeting_svc.credentials import sealer
from schemas import events as ev
from schemas.bus import enqueue
from schemas.codec import new_event
from servicekit.http import Problem, read_json
from servicekit.runtime import RUNTIME

log = structlog.get_logger("meeting.resets")

RESET_REQUESTS_FREE = 3  # links per email key and per account before further requests wait (a mailbox is not
# to be flooded); then 30 s, 60 s… as sign-in's lockout
RESET_ADDRESS_FREE = 20  # requests per client address, over every email it asks for
RESET_LINK_ADDRESS_FREE = 30  # links that do not work, per client address


def reset_url(public_url: str, token: str) -> str:
    # in the fragment: a browser never sends it to a server, so no log or proxy sees the link's secret
    return f"{public_url.rstrip('/')}/login#reset={token}"


async def request_reset(request: web.Request) -> web.Response:
    """Always 202, whether or not the email is an organiser's: the answer tells nothing."""
    body = await read_json(request, ResetRequest)
    settings = request.app[SETTINGS]
    sealing = sealer(request)
    at = now(request)
    counters = rules.RESET_REQUEST
    async with pool(request).acquire() as conn:
        # the client's address (which may be told it waits: that says nothing of the email), then the
        # email's key and the account it finds (whose limits answer 202 like anything else)
        address = await db.count_attempt(conn, counters.address(client(request)), at, RESET_ADDRESS_FREE)
        if address.refused_for is not None:
            raise rules.too_many(address.refused_for, "password reset requests")
        attempt = await db.count_attempt(conn, counters.email(body.email), at, RESET_REQUESTS_FREE)
        organiser = await db.organiser_by_email(conn, body.email)
        if organiser is None or attempt.refused_for is not None:
            return web.Response(status=202)
        account = await db.count_attempt(conn, counters.account(organiser["id"]), at, RESET_REQUESTS_FREE)
        if account.refused_for is not None:
            return web.Response(status=202)
        if sealing is None:
            log.warning("password reset not sent: INVITE_SEAL_PUBLIC_KEY is not set")
            return web.Response(status=202)
        token = rules.new_secret()
        expires = at + dt.timedelta(minutes=settings.password_reset_minutes)
        event = new_event(
            ev.PasswordResetRequested,
            meeting_id=ev.NO_MEETING,
            actor=f"organiser:{organiser['id']}",
            organisation_id=organiser["organisation_id"],
            organiser_id=organiser["id"],
            name=organiser["name"],
            email=organiser["email"],
            language=body.language,
            sealed_link=sealing.seal(reset_url(settings.public_url, token)),
            expires_at=expires,
        )
        async with conn.transaction():
            await db.add_reset(conn, token, organiser["id"], at, expires)
            await enqueue(conn, request.app[RUNTIME].subjects, event)
    return web.Response(status=202)


def spent() -> Problem:
    return Problem(410, "Link used or expired", "ask for a new password reset link", field="token")


async def complete_reset(request: web.Request) -> web.Response:
    """Set a new password with a reset link: the link is spent, every session and token of the organiser
    ends, and this browser is signed in afresh."""
    body = await read_json(request, ResetComplete)
    problem = rules.password_problem(body.password)
    if problem:
        raise Problem(422, "Password too weak", problem, field="password")
    address_key = rules.RESET_LINK.address(client(request))
    async with pool(request).acquire() as conn:
        address = await db.count_attempt(conn, address_key, now(request), RESET_LINK_ADDRESS_FREE)
    if address.refused_for is not None:
        raise rules.too_many(address.refused_for, "reset links that do not work")
    if not await db.reset_usable(pool(request), body.token, now(request)):
        raise spent()
    await db.take_back(pool(request), address_key)  # a link that works is not counted
    password_hash = await rules.hash_password(body.password)  # only for a link that works: hashing is dear
    async with pool(request).acquire() as conn, conn.transaction():
        organiser_id = await db.use_reset(conn, body.token, now(request))
        if organiser_id is None:  # spent meanwhile by a twin request
            raise spent()
        await db.set_account(conn, organiser_id, None, password_hash)
        await db.end_everything(conn, organiser_id)
        organiser = await db.organiser_by_id(conn, organiser_id)
    assert organiser is not None
    return await start_session(request, organiser)
