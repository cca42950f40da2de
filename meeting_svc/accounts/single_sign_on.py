"""Single sign-on handlers: start (redirect to the provider) and callback (check, sign in, redirect to
the console). The protocol is in accounts/oidc.py."""

from __future__ import annotations

import datetime as dt
import hmac

import aiohttp
import structlog
from aiohttp import web

from meeting_svc.access import SETTINGS, pool
from meeting_svc.accounts import db, oidc, rules
from meeting_svc.accounts.rules import CONSOLE_PATH
from meeting_svc.accounts.signin import clear_cookie, client, now, open_session, set_cookie
from meeting_svc.organisation import db as organisation_db
from servicekit.http import Problem

log = structlog.get_logger("meeting.oidc")

CALLBACK_ADDRESS_FREE = 30  # answers that do not sign in, per client address

PROVIDER = web.AppKey("oidc_provider", oidc.Provider)
HTTP = web.AppKey("oidc_http", aiohttp.ClientSession)


def provider(request: web.Request) -> oidc.Provider:
    found = request.app.get(PROVIDER)
    if found is None:
        raise Problem(404, "Not found", "single sign-on is not configured")
    return found


def flow_cookie(request: web.Request) -> str:
    return rules.cookie_name(request.app[SETTINGS].public_url, "sso")


async def start(request: web.Request) -> web.Response:
    """The state also goes into a short-lived cookie: the answer must come back to the browser that
    started, so nobody can sign a victim into the attacker's account with an answer of their own."""
    chosen = provider(request)
    found = await oidc.metadata(request.app[HTTP], chosen)
    state, nonce, verifier = rules.new_secret(), rules.new_secret(), rules.new_secret()
    at = now(request)
    lasts = dt.timedelta(minutes=oidc.FLOW_MINUTES)
    await db.add_oidc_login(pool(request), state, nonce, verifier, at, at + lasts)
    location = oidc.authorization_url(found["authorization_endpoint"], chosen, state, nonce, verifier)
    response = web.Response(status=302, headers={"Location": location, "Cache-Control": "no-store"})
    set_cookie(request, response, state, lasts, flow_cookie(request))
    return response


async def callback(request: web.Request) -> web.Response:
    """A browser coming back from the provider is sent to the sign-in page, which says single sign-on failed
    in the reader's language; any other client gets the problem itself."""
    try:
        return await sign_in_from_provider(request)
    except Problem as problem:
        if problem.status in (400, 403) and "text/html" in request.headers.get("Accept", ""):
            log.info("single sign-on refused", reason=problem.detail, field=problem.field)
            response = web.Response(status=302, headers={"Location": "/login?error=sso", "Cache-Control": "no-store"})
            clear_cookie(request, response, flow_cookie(request))
            return response
        raise


async def sign_in_from_provider(request: web.Request) -> web.Response:
    """Every answer counts against the client's address until it signs in (then it is taken back): a
    client sending answers that do not check out (states, codes) waits, as for a wrong password."""
    chosen = provider(request)
    address_key = rules.SINGLE_SIGN_ON.address(client(request))
    async with pool(request).acquire() as conn:
        address = await db.count_attempt(conn, address_key, now(request), CALLBACK_ADDRESS_FREE)
    if address.refused_for is not None:
        raise rules.too_many(address.refused_for, "single sign-on answers that did not sign in")
    state = request.query.get("state", "")
    if "error" in request.query:
        raise Problem(403, "Sign-in refused", "the provider refused the sign-in", field="error")
    started = request.cookies.get(flow_cookie(request), "")
    if not state or not started or not hmac.compare_digest(state.encode(), started.encode()):
        raise Problem(400, "Unknown sign-in", "this answer is not for a sign-in this browser started", field="state")
    flow = await db.take_oidc_login(pool(request), state, now(request))
    if flow is None or not flow["live"]:
        raise Problem(400, "Unknown sign-in", "the sign-in expired or was already used", field="state")
    code = request.query.get("code", "")
    if not code:
        raise Problem(400, "Missing code", "the provider sent no authorization code", field="code")
    http = request.app[HTTP]
    found = await oidc.metadata(http, chosen)
    id_token = await oidc.exchange_code(http, found, chosen, code, flow["code_verifier"])
    claims = oidc.verify_id_token(id_token, await oidc.keys(http, found), chosen, flow["nonce"])
    email, organisation = oidc.organisation_for(claims, chosen)
    name = str(claims.get("name") or email)[:300]
    async with pool(request).acquire() as conn, conn.transaction():
        org = await organisation_db.ensure_organisation(conn, organisation)
        organiser_id = await db.single_sign_on_organiser(conn, org, str(claims["sub"]), email, name)
        if organiser_id is None:
            raise Problem(403, "Not allowed", "this account belongs to another organisation", field="email")
        organiser = await db.organiser_by_id(conn, organiser_id)
    assert organiser is not None
    await db.take_back(pool(request), address_key)
    _, session_id, lasts = await open_session(request, organiser)
    response = web.Response(status=302, headers={"Location": CONSOLE_PATH, "Cache-Control": "no-store"})
    set_cookie(request, response, session_id, lasts)
    clear_cookie(request, response, flow_cookie(request))
    return response


def setup(app: web.Application) -> None:
    settings = app[SETTINGS]
    chosen = oidc.provider_of(
        settings.oidc_issuer,
        settings.oidc_client_id,
        settings.oidc_client_secret,
        settings.oidc_domains,
        settings.public_url,
    )
    if chosen is None:
        return
    app[PROVIDER] = chosen

    async def client(app: web.Application):
        async with aiohttp.ClientSession() as http:
            app[HTTP] = http
            yield

    app.cleanup_ctx.append(client)
