"""Organiser sign-in: the cookie, CSRF and Origin checks, lockout, sign-out (here and everywhere), and the
console's bearer tokens."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import asyncpg

from meeting_svc import credentials
from meeting_svc.accounts import db as accounts_db
from meeting_svc.settings import Settings
from tests.conftest import MovableClock
from tests.meeting.conftest import Client
from tests.meeting.signin_helpers import (
    PASSWORD,
    console_token,
    new_account,
    sign_in_as,
    signed_in,
)


async def test_sign_in_sets_a_protected_cookie_whose_id_is_kept_only_hashed(
    client: Client, meeting_settings: Settings, database_url: str
) -> None:
    account = await new_account(meeting_settings)
    browser = await signed_in(client, account)
    cookie = browser.set_cookie.lower()
    assert cookie.startswith("__host-hoinghi_session=")
    for attribute in ("httponly", "secure", "samesite=lax", "path=/"):
        assert attribute in cookie
    assert "domain=" not in cookie
    conn = await asyncpg.connect(database_url, server_settings={"search_path": "meeting"})
    try:
        stored = await conn.fetch("select id_sha256 from organiser_sessions")
    finally:
        await conn.close()
    assert [r["id_sha256"] for r in stored] == [credentials.sha256(browser.session_id)]

    session = await client.get("/auth/session", headers=browser.headers(csrf=None, origin=None))
    body = await session.json()
    assert session.status == 200, body
    assert body["organiser"]["email"] == account.email
    assert body["organiser"]["organisation_id"] == str(account.org)
    assert body["csrf_token"] == browser.csrf


async def test_the_console_token_reaches_the_api_and_ends_with_sign_out(
    client: Client, meeting_settings: Settings
) -> None:
    account = await new_account(meeting_settings)
    browser = await signed_in(client, account)
    bearer = await console_token(client, browser)
    assert (await client.get("/api/v1/meetings", headers=bearer)).status == 200

    out = await client.post("/auth/sign-out", headers=browser.headers())
    assert out.status == 204
    assert "max-age=0" in out.headers["Set-Cookie"].lower()
    assert (await client.get("/auth/session", headers=browser.headers(csrf=None))).status == 401
    assert (await client.post("/auth/token", headers=browser.headers())).status == 401
    refused = await client.get("/api/v1/meetings", headers=bearer)
    assert refused.status == 401
    assert (await refused.json())["title"] == "Token revoked"


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    client: Client, meeting_settings: Settings
) -> None:
    account = await new_account(meeting_settings)
    wrong = await sign_in_as(client, account.email, "not-the-password-at-all")
    unknown = await sign_in_as(client, "nobody-here@quatest2.example", PASSWORD)
    assert wrong.status == unknown.status == 401
    assert await wrong.json() == await unknown.json()
    assert "Set-Cookie" not in wrong.headers and "Set-Cookie" not in unknown.headers


async def test_repeated_failures_lock_an_account_and_an_unknown_email_alike_until_the_lock_ends(
    client: Client, meeting_settings: Settings, schedule_clock: MovableClock
) -> None:
    account = await new_account(meeting_settings)
    for email in (account.email, "ghost@quatest2.example"):
        statuses = [(await sign_in_as(client, email, f"guess-number-{i:04d}")).status for i in range(5)]
        assert statuses == [401] * 5
        locked = await sign_in_as(client, email, PASSWORD)  # even the right password waits
        assert locked.status == 429
        assert 1 <= int(locked.headers["Retry-After"]) <= 30  # the first lock: 30 s from the fifth failure
        assert (await locked.json())["title"] == "Too many attempts"

    schedule_clock.offset += dt.timedelta(seconds=31)
    assert (await sign_in_as(client, account.email)).status == 200
    # a success forgets the account's failures: the next mistake is the first again
    assert (await sign_in_as(client, account.email, "one-more-wrong-guess")).status == 401


async def test_a_client_address_trying_many_emails_is_locked(client: Client, meeting_settings: Settings) -> None:
    account = await new_account(meeting_settings)
    for i in range(30):
        assert (await sign_in_as(client, f"spray-{i}@quatest2.example", PASSWORD)).status == 401
    assert (await sign_in_as(client, account.email)).status == 429


async def test_csrf_token_missing_or_wrong_is_refused(client: Client, meeting_settings: Settings) -> None:
    browser = await signed_in(client, await new_account(meeting_settings))
    for path in ("/auth/token", "/auth/sign-out", "/auth/sign-out-everywhere"):
        missing = await client.post(path, headers=browser.headers(csrf=None))
        assert missing.status == 403
        assert (await missing.json())["field"] == "X-CSRF-Token"
        wrong = await client.post(path, headers=browser.headers(csrf="x" * 43))
        assert wrong.status == 403
    # nothing of the above ended the session
    assert (await client.get("/auth/session", headers=browser.headers(csrf=None))).status == 200


async def test_the_cookie_sent_from_another_site_opens_nothing(client: Client, meeting_settings: Settings) -> None:
    """A page elsewhere can make the browser send the cookie (SameSite=Lax still sends it on top-level
    navigations), but not with our Origin, and it cannot read the CSRF token to go with it."""
    browser = await signed_in(client, await new_account(meeting_settings))
    for origin in ("https://evil.example", "http://meet.example.org", "null", None):
        for path in ("/auth/token", "/auth/sign-out-everywhere"):
            answer = await client.post(path, headers=browser.headers(origin=origin))
            assert answer.status == 403, (origin, path)
            assert (await answer.json())["field"] == "Origin"
    cross = await client.post("/auth/token", headers={**browser.headers(), "Sec-Fetch-Site": "cross-site"})
    assert cross.status == 403
    # signing in from another site's form (login CSRF) is refused too
    assert (await sign_in_as(client, "a@b.example", PASSWORD, Origin="https://evil.example")).status == 403
    # the cookie is no bearer token: the APIs do not take it
    assert (await client.get("/api/v1/meetings", headers=browser.headers())).status == 401


async def test_sign_out_everywhere_ends_every_session_and_revokes_tokens_already_issued(
    client: Client, meeting_settings: Settings, database_url: str
) -> None:
    account = await new_account(meeting_settings)
    laptop, phone = await signed_in(client, account), await signed_in(client, account)
    laptop_token, phone_token = await console_token(client, laptop), await console_token(client, phone)
    made = await client.post("/api/v1/api-tokens", json={"name": "Bảng điểm danh"}, headers=laptop_token)
    machine = {"Authorization": f"Bearer {(await made.json())['token']}"}
    for bearer in (laptop_token, phone_token, machine):
        assert (await client.get("/api/v1/departments", headers=bearer)).status == 200

    everywhere = await client.post("/auth/sign-out-everywhere", headers=phone.headers())
    body = await everywhere.json()
    assert everywhere.status == 200, body
    assert body["revoked_tokens"] == 4  # the command line's, two consoles', the machine's

    for bearer in (laptop_token, phone_token, machine, {"Authorization": f"Bearer {account.api_token}"}):
        assert (await client.get("/api/v1/departments", headers=bearer)).status == 401
    for browser in (laptop, phone):
        assert (await client.get("/auth/session", headers=browser.headers(csrf=None))).status == 401
    # the other services learn of it from the ids meeting_svc shares (servicekit.revocations)
    pool = await asyncpg.create_pool(database_url, server_settings={"search_path": "meeting"}, min_size=1)
    try:
        shared = {jti for jti, _ in await accounts_db.revoked_since(pool, None)}
    finally:
        await pool.close()
    assert len(shared) == 4


async def test_a_session_expires(client: Client, meeting_settings: Settings, schedule_clock: MovableClock) -> None:
    browser = await signed_in(client, await new_account(meeting_settings))
    schedule_clock.offset += dt.timedelta(hours=meeting_settings.organiser_session_hours, seconds=1)
    assert (await client.get("/auth/session", headers=browser.headers(csrf=None))).status == 401
    assert (await client.post("/auth/token", headers=browser.headers())).status == 401


async def test_the_login_page_and_home(client: Client, meeting_settings: Settings) -> None:
    page = await client.get("/login")
    assert page.status == 200
    text = await page.text()
    assert re.search(r'src="/web/[0-9a-f]+/signin\.js"', text), text  # the versioned asset
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    home = await client.get("/", allow_redirects=False)
    assert (home.status, home.headers["Location"]) == (302, "/login")
    browser = await signed_in(client, await new_account(meeting_settings))
    home = await client.get("/", headers=browser.headers(csrf=None, origin=None), allow_redirects=False)
    assert (home.status, home.headers["Location"]) == (302, "/organiser")


async def test_the_sweep_forgets_only_what_can_no_longer_matter(
    client: Client, meeting_settings: Settings, database_url: str
) -> None:
    account = await new_account(meeting_settings)
    ended, live = await signed_in(client, account), await signed_in(client, account)
    await console_token(client, ended)
    assert (await client.post("/auth/sign-out", headers=ended.headers())).status == 204
    assert (await sign_in_as(client, "ghost@quatest2.example", "a-wrong-password")).status == 401
    pool = await asyncpg.create_pool(database_url, server_settings={"search_path": "meeting"}, min_size=1)
    try:
        await accounts_db.sweep(pool, dt.datetime.now(dt.UTC) + dt.timedelta(days=1, hours=1))
        sessions = await pool.fetch("select id_sha256 from organiser_sessions")
        failures = await pool.fetchval("select count(*) from sign_in_failures")
        consoles = await pool.fetchval("select count(*) from organiser_tokens where purpose = 'console'")
        apis = await pool.fetchval("select count(*) from organiser_tokens where purpose = 'api'")
    finally:
        await pool.close()
    # the ended session goes; the live one (12 hours, not yet a day past its end) stays
    assert [r["id_sha256"] for r in sessions] == [credentials.sha256(live.session_id)]
    assert failures == 0 and consoles == 0 and apis == 1


async def test_concurrent_guesses_are_each_counted_before_any_is_checked(
    client: Client, meeting_settings: Settings
) -> None:
    account = await new_account(meeting_settings)
    answers = await asyncio.gather(*(sign_in_as(client, account.email, f"guess-{i:04d}-wrong") for i in range(12)))
    statuses = sorted(a.status for a in answers)
    assert statuses == [401] * 5 + [429] * 7  # five guesses checked, whatever their timing
