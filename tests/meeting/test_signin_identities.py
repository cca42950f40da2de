"""Sign-in and password reset limits hold however an address is typed (case, full width, the Kelvin sign,
the long s, the dotted capital I) and from however many client addresses: they count by the address's
key, by the account it finds and by the client's address (behind a trusted proxy, X-Forwarded-For's)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meeting_svc.__main__ import create_organiser
from meeting_svc.accounts.resets import RESET_ADDRESS_FREE, RESET_LINK_ADDRESS_FREE
from meeting_svc.app import create_app
from meeting_svc.settings import Settings
from servicekit.identity import email_key
from tests.conftest import MovableClock, settings_of
from tests.identities import spelling
from tests.meeting.conftest import Client
from tests.meeting.signin_helpers import PASSWORD, SITE, sign_in_as
from tests.meeting.test_api_tokens_and_resets import resets_of

CLIENTS = itertools.count(1)


def own_address() -> dict[str, str]:
    """Headers of a request from a client address no other request of these tests comes from."""
    n = next(CLIENTS)
    return {"X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"}


@pytest.fixture
async def proxied(env: dict[str, Any], start_service: Any, schedule_clock: MovableClock) -> tuple[Client, Settings]:
    """meeting_svc behind a proxy on this machine, as in production behind HAProxy."""
    settings = settings_of(Settings, env, public_url=SITE, trusted_proxies="127.0.0.1, ::1")
    return await start_service(create_app(settings, schedule_clock)), settings


async def organiser_with(settings: Settings, email: str) -> None:
    await create_organiser(settings, f"Probe {uuid.uuid4().hex[:6]}", "Probe", email, PASSWORD)


async def lock(client: Client, email: str) -> None:
    for i in range(5):
        assert (await sign_in_as(client, email, f"guess-number-{i:04d}", **own_address())).status == 401


async def test_the_dotted_capital_i_neither_bypasses_the_lockout_nor_signs_in(
    proxied: tuple[Client, Settings],
) -> None:
    """The attack as it was found: the account locked, then every guess in another spelling, each from its
    own client address, and the right password in the dotted one."""
    client, settings = proxied
    email = f"iiiiii-{uuid.uuid4().hex[:6]}@probe.example.org"
    await organiser_with(settings, email)
    await lock(client, email)
    dotted = email.replace("i", "İ")
    for variant in (dotted, email.replace("i", "İ", 1), email.replace("i", "I"), email.upper()):
        answer = await sign_in_as(client, variant, PASSWORD, **own_address())
        assert answer.status in (401, 429), (variant, answer.status)  # never a session
        assert "Set-Cookie" not in answer.headers
    assert (await sign_in_as(client, email, PASSWORD, **own_address())).status == 429


LETTERS = "kiss-iiiiii"


@pytest.fixture
async def locked(proxied: tuple[Client, Settings], schedule_clock: MovableClock) -> tuple[Client, str, dt.datetime]:
    """An organiser `LETTERS-…@probe.example.org` whose five wrong passwords locked it, and when."""
    client, settings = proxied
    letters = f"{LETTERS}-{uuid.uuid4().hex[:6]}"
    email = f"{letters}@probe.example.org"
    await organiser_with(settings, email)
    await lock(client, email)
    return client, letters, schedule_clock()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_the_right_password_in_any_spelling_waits_while_the_account_is_locked(
    locked: tuple[Client, str, dt.datetime], schedule_clock: MovableClock, data: st.DataObject
) -> None:
    client, letters, locked_at = locked
    email = f"{letters}@probe.example.org"
    typed = data.draw(spelling(letters, dotted=True), label="typed")
    schedule_clock.offset -= schedule_clock() - locked_at  # the service's clock held at the lock's start
    answer = await sign_in_as(client, typed, PASSWORD, **own_address())
    assert "Set-Cookie" not in answer.headers
    if email_key(typed) == email_key(email):
        assert answer.status == 429, await answer.text()  # the same address: its one counter is locked
    else:  # another address (İ is not i): no account of it (locked too, once the same one was tried 5 times)
        assert answer.status in (401, 429), await answer.text()


async def test_a_locked_account_waits_whatever_address_finds_it(
    proxied: tuple[Client, Settings], database_url: str
) -> None:
    client, settings = proxied
    email = f"locked-{uuid.uuid4().hex[:6]}@probe.example.org"
    await organiser_with(settings, email)
    conn = await asyncpg.connect(database_url, server_settings={"search_path": "meeting"})
    try:
        organiser_id = await conn.fetchval("select id from organisers where email = $1", email)
        await conn.execute(
            "insert into sign_in_failures (key, failures, last_failure_at, locked_until)"
            " values ($1, 5, now(), now() + interval '10 minutes')",
            f"account:{organiser_id}",
        )
    finally:
        await conn.close()
    assert (await sign_in_as(client, email, PASSWORD, **own_address())).status == 429


async def test_reset_links_stay_three_per_address_however_it_is_typed(
    proxied: tuple[Client, Settings], database_url: str
) -> None:
    client, settings = proxied
    email = f"iiiiii-{uuid.uuid4().hex[:6]}@probe.example.org"
    await organiser_with(settings, email)
    local = email.split("@")[0]
    variants = [
        *([email] * 7),  # three links, then four repeats refused
        email.upper(),
        email.replace("i", "İ"),
        *(email.replace("i", "İ", n) for n in range(1, 5)),
        "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in local) + "@probe.example.org",  # full width
    ]
    for variant in variants:
        asked = await client.post(
            "/auth/password-reset", json={"email": variant, "language": "en"}, headers=own_address()
        )
        assert asked.status == 202, variant
    assert await resets_of(database_url) == [email] * 3


async def test_reset_requests_from_one_client_address_are_limited(proxied: tuple[Client, Settings]) -> None:
    client, _ = proxied
    one = own_address()
    for i in range(RESET_ADDRESS_FREE):
        asked = await client.post("/auth/password-reset", json={"email": f"spray-{i}@probe.example.org"}, headers=one)
        assert asked.status == 202
    refused = await client.post("/auth/password-reset", json={"email": "spray-x@probe.example.org"}, headers=one)
    assert refused.status == 429
    assert int(refused.headers["Retry-After"]) >= 1
    # another client is not held up by it
    other = await client.post(
        "/auth/password-reset", json={"email": "spray-x@probe.example.org"}, headers=own_address()
    )
    assert other.status == 202


async def test_reset_links_that_do_not_work_are_limited_per_client_address(proxied: tuple[Client, Settings]) -> None:
    client, _ = proxied
    one = own_address()
    body = {"password": "a-new-password-long-enough"}
    for i in range(RESET_LINK_ADDRESS_FREE):
        tried = await client.post("/auth/password-reset/complete", json={**body, "token": f"x{i:042d}"}, headers=one)
        assert tried.status == 410
    refused = await client.post("/auth/password-reset/complete", json={**body, "token": "y" * 43}, headers=one)
    assert refused.status == 429
