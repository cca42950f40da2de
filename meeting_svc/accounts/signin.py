"""Organiser sign-in: browser sessions in a cookie, and the bearer tokens the console exchanges them for.
The rules (passwords, lockout, CSRF) are in accounts/rules.py."""

from __future__ import annotations

import datetime as dt
import uuid

from aiohttp import web

from meeting_svc.access import CLOCK, SETTINGS, SIGNER, pool
from meeting_svc.accounts import db, rules
from meeting_svc.accounts.api import AccessToken, Organiser, SessionInfo, SignedOutEverywhere, SignIn
from servicekit import pg
from servicekit.http import Problem, json_response, read_json
from servicekit.limits import client_of
from servicekit.runtime import RUNTIME
from servicekit.tokens import Claims

NO_STORE = {"Cache-Control": "no-store"}


def now(request: web.Request) -> dt.datetime:
    return request.app[CLOCK]()


def site(request: web.Request) -> str:
    return rules.origin_of(request.app[SETTINGS].public_url)


def cookie(request: web.Request) -> str:
    return rules.cookie_name(request.app[SETTINGS].public_url)


def client(request: web.Request) -> str:
    """The client's address, as the nearest proxy not in TRUSTED_PROXIES saw it (servicekit/clients.py)."""
    return client_of(request, request.app[RUNTIME].clients)


def not_signed_in() -> Problem:
    return Problem(401, "Not signed in", "sign in again", field="cookie")


async def browser_session(request: web.Request) -> pg.Row:
    """The cookie's live session. An unsafe request must also come from this site (Origin) and carry
    the session's CSRF token: a page elsewhere can make the browser send the cookie, but can neither
    read the token nor forge our Origin."""
    session_id = request.cookies.get(cookie(request))
    if not session_id:
        raise not_signed_in()
    problem = rules.origin_problem(
        request.method, request.headers.get("Origin"), request.headers.get("Sec-Fetch-Site"), site(request)
    )
    if problem:
        raise problem
    row = await db.live_session(pool(request), session_id, now(request))
    if row is None:
        raise not_signed_in()
    problem = rules.csrf_problem(request.method, request.headers.get(rules.CSRF_HEADER), row["csrf_token"])
    if problem:
        raise problem
    return row


def session_info(row: pg.Row, csrf: str, expires: dt.datetime, organiser_id: uuid.UUID) -> SessionInfo:
    organiser = Organiser(
        id=organiser_id,
        name=row["name"],
        email=row["email"],
        organisation_id=row["organisation_id"],
        organisation_name=row["organisation_name"],
    )
    return SessionInfo(organiser=organiser, csrf_token=csrf, expires_at=expires)


async def open_session(request: web.Request, organiser: pg.Row) -> tuple[SessionInfo, str, dt.timedelta]:
    """A new session for an organiser who just proved who they are (password, reset link or single sign-on):
    a fresh id every time, so an id planted before sign-in is worth nothing. Answers what the page is told,
    the id for the cookie, and how long it lasts."""
    settings = request.app[SETTINGS]
    started = now(request)
    lasts = dt.timedelta(hours=settings.organiser_session_hours)
    session_id, csrf = rules.new_secret(), rules.new_secret()
    await db.start_session(pool(request), session_id, organiser["id"], csrf, started, started + lasts)
    return session_info(organiser, csrf, started + lasts, organiser["id"]), session_id, lasts


async def start_session(request: web.Request, organiser: pg.Row) -> web.Response:
    info, session_id, lasts = await open_session(request, organiser)
    response = json_response(info, 200, NO_STORE)
    set_cookie(request, response, session_id, lasts)
    return response


def set_cookie(
    request: web.Request, response: web.StreamResponse, value: str, lasts: dt.timedelta, name: str | None = None
) -> None:
    response.set_cookie(
        name or cookie(request),
        value,
        max_age=int(lasts.total_seconds()),
        path="/",
        httponly=True,
        secure=site(request).startswith("https://"),
        samesite="Lax",  # Lax, not Strict: a link from an email still opens the console signed in
    )


def clear_cookie(request: web.Request, response: web.StreamResponse, name: str | None = None) -> None:
    response.del_cookie(
        name or cookie(request), path="/", secure=site(request).startswith("https://"), httponly=True, samesite="Lax"
    )


async def sign_in(request: web.Request) -> web.Response:
    body = await read_json(request, SignIn)
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() != site(request):  # a page elsewhere signing us in as its own
        raise Problem(403, "Cross-site request", "sign in from this site's own page", field="Origin")
    at = now(request)
    counters = rules.SIGN_IN
    address_key, email_counter = counters.address(client(request)), counters.email(body.email)
    async with pool(request).acquire() as conn:
        # The address first: a locked address does not count against the account it tried. Then the
        # address's key (however it is typed, it is one counter), then the account it finds.
        address = await db.count_attempt(conn, address_key, at, rules.ADDRESS_FREE_FAILURES)
        if address.refused_for is not None:
            raise rules.too_many(address.refused_for)
        attempt = await db.count_attempt(conn, email_counter, at, rules.ACCOUNT_FREE_FAILURES)
        if attempt.refused_for is not None:
            raise rules.too_many(attempt.refused_for)
        organiser = await db.organiser_by_email(conn, body.email)
        if organiser is not None:
            account = await db.count_attempt(conn, counters.account(organiser["id"]), at, rules.ACCOUNT_FREE_FAILURES)
            if account.refused_for is not None:
                raise rules.too_many(account.refused_for)
    stored = organiser["password_hash"] if organiser is not None else None
    if not await rules.verify_password(stored, body.password):
        raise rules.sign_in_failed()
    assert organiser is not None and stored is not None
    await db.forget_failures(pool(request), [email_counter, counters.account(organiser["id"])], address_key)
    if rules.needs_rehash(stored):
        await db.set_account(pool(request), organiser["id"], None, await rules.hash_password(body.password))
    return await start_session(request, organiser)


async def current_session(request: web.Request) -> web.Response:
    row = await browser_session(request)
    return json_response(session_info(row, row["csrf_token"], row["expires_at"], row["organiser_id"]), 200, NO_STORE)


async def sign_out(request: web.Request) -> web.Response:
    """Ends this browser's session (and the console tokens it was given). Without a session there is
    nothing to end: the answer is the same."""
    if request.cookies.get(cookie(request)):
        try:
            row = await browser_session(request)
        except Problem as problem:
            if problem.status != 401:
                raise  # a cross-site or token-less request may not sign anyone out
        else:
            async with pool(request).acquire() as conn:
                await db.end_session(conn, row["id_sha256"])
    response = web.Response(status=204)
    clear_cookie(request, response)
    return response


async def sign_out_everywhere(request: web.Request) -> web.Response:
    """Every session of this organiser ends and every token issued to them is revoked, here at once and
    in the other services through the revocation bucket."""
    row = await browser_session(request)
    async with pool(request).acquire() as conn, conn.transaction():
        revoked = await db.end_everything(conn, row["organiser_id"])
    response = json_response(SignedOutEverywhere(revoked_tokens=revoked), 200, NO_STORE)
    clear_cookie(request, response)
    return response


async def access_token(request: web.Request) -> web.Response:
    """A short-lived bearer token for the console: the organiser's standing is checked again on every
    use (as for any organiser token), and it ends with the session that asked for it."""
    row = await browser_session(request)
    settings = request.app[SETTINGS]
    expires = min(now(request) + dt.timedelta(minutes=settings.console_token_minutes), row["expires_at"])
    jti = uuid.uuid4()
    claims = Claims(
        kind="organiser", sub=row["organiser_id"], org=row["organisation_id"], jti=jti, exp=int(expires.timestamp())
    )
    token = request.app[SIGNER].sign(claims)
    await db.add_token(
        pool(request),
        jti=jti,
        organiser_id=row["organiser_id"],
        token=token,
        expires=expires,
        purpose="console",
        session_sha256=row["id_sha256"],
    )
    return json_response(AccessToken(token=token, expires_at=expires), 200, NO_STORE)
