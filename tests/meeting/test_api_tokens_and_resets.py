"""API tokens for machines (made, listed, scoped, revoked) and password reset links (single use, expiring,
ending every other session)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import asyncpg

from meeting_svc.settings import Settings
from schemas import events as ev
from servicekit.sealed import read_seal_key, unseal
from tests.conftest import EventTap, MovableClock
from tests.meeting.conftest import Caller, Client, Org, invite, join, new_meeting
from tests.meeting.signin_helpers import PASSWORD, SITE, console_token, new_account, sign_in_as, signed_in

NEW_PASSWORD = "một-mật-khẩu-mới-hơn"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_an_api_token_is_shown_once_listed_by_name_scoped_and_revoked_at_once(
    client: Client, meeting_settings: Settings
) -> None:
    account = await new_account(meeting_settings)
    admin = bearer(account.api_token)
    made = await client.post("/api/v1/api-tokens", json={"name": "Bảng điểm danh", "scope": "read"}, headers=admin)
    token = await made.json()
    assert made.status == 201, token
    assert made.headers["Cache-Control"] == "no-store"
    reader = bearer(token["token"])

    assert (await client.get("/api/v1/meetings", headers=reader)).status == 200
    refused = await client.post("/api/v1/departments", json={"name": {"vi": "Phòng Đo lường"}}, headers=reader)
    assert refused.status == 403  # a read-only token changes nothing

    listed = await (await client.get("/api/v1/api-tokens", headers=admin)).json()
    mine = {t["id"]: t for t in listed["items"]}
    assert sorted(t["name"] for t in listed["items"]) == ["Bảng điểm danh", "command line"]
    assert mine[token["id"]]["name"] == "Bảng điểm danh"
    assert mine[token["id"]]["scope"] == "read"
    assert mine[token["id"]]["last_used_at"] is not None  # it was used above
    assert all("token" not in t for t in listed["items"])  # never shown again

    other = await new_account(meeting_settings, "Other centre")
    assert (await client.delete(f"/api/v1/api-tokens/{token['id']}", headers=bearer(other.api_token))).status == 404
    assert (await client.get("/api/v1/meetings", headers=reader)).status == 200

    assert (await client.delete(f"/api/v1/api-tokens/{token['id']}", headers=admin)).status == 204
    gone = await client.get("/api/v1/meetings", headers=reader)
    assert gone.status == 401
    assert (await gone.json())["title"] == "Token revoked"
    assert token["id"] not in {
        t["id"] for t in (await (await client.get("/api/v1/api-tokens", headers=admin)).json())["items"]
    }
    assert (await client.delete(f"/api/v1/api-tokens/{token['id']}", headers=admin)).status == 404


async def test_a_participant_cannot_make_or_see_api_tokens(client: Client, meeting_settings: Settings) -> None:
    account = await new_account(meeting_settings)
    org = Org(account.org, Caller(account.api_token))
    meeting = await new_meeting(client, org)
    chair = await join(client, await invite(client, org, meeting["id"], role="chair"))
    assert (await client.get("/api/v1/api-tokens", headers=chair.auth)).status == 403
    assert (await client.post("/api/v1/api-tokens", json={"name": "x"}, headers=chair.auth)).status == 403


async def reset_link(tap: EventTap, env: dict[str, Any], email: str) -> str:
    event = await tap.wait("organiser.password_reset_requested", email=email)
    assert isinstance(event, ev.PasswordResetRequested)
    assert event.meeting_id == ev.NO_MEETING and event.meeting_seq is None
    assert "#reset=" not in event.sealed_link  # only the notifier can open it
    link = unseal(read_seal_key(env["invite_seal_private_key"], "key"), event.sealed_link)
    assert link.startswith(f"{SITE}/login#reset=")
    return link.rsplit("=", 1)[1]


async def test_a_reset_link_works_once_and_ends_every_other_session(
    client: Client, meeting_settings: Settings, tap: EventTap, env: dict[str, Any]
) -> None:
    account = await new_account(meeting_settings)
    elsewhere = await signed_in(client, account)
    its_token = await console_token(client, elsewhere)
    asked = await client.post("/auth/password-reset", json={"email": account.email.upper(), "language": "en"})
    assert asked.status == 202
    token = await reset_link(tap, env, account.email)

    weak = await client.post("/auth/password-reset/complete", json={"token": token, "password": "short"})
    assert weak.status == 422
    assert (await weak.json())["field"] == "password"
    done = await client.post("/auth/password-reset/complete", json={"token": token, "password": NEW_PASSWORD})
    assert done.status == 200, await done.json()
    assert "__Host-hoinghi_session=" in done.headers["Set-Cookie"]
    client.session.cookie_jar.clear()

    again = await client.post(
        "/auth/password-reset/complete", json={"token": token, "password": "yet-another-password"}
    )
    assert again.status == 410
    assert (await again.json())["field"] == "token"
    assert (await client.get("/auth/session", headers=elsewhere.headers(csrf=None))).status == 401
    assert (await client.get("/api/v1/meetings", headers=its_token)).status == 401
    assert (await client.get("/api/v1/meetings", headers=bearer(account.api_token))).status == 401
    assert (await sign_in_as(client, account.email, PASSWORD)).status == 401
    assert (await sign_in_as(client, account.email, NEW_PASSWORD)).status == 200


async def test_a_reset_link_expires(
    client: Client, meeting_settings: Settings, tap: EventTap, env: dict[str, Any], schedule_clock: MovableClock
) -> None:
    account = await new_account(meeting_settings)
    assert (await client.post("/auth/password-reset", json={"email": account.email})).status == 202
    token = await reset_link(tap, env, account.email)
    schedule_clock.offset += dt.timedelta(minutes=meeting_settings.password_reset_minutes, seconds=1)
    late = await client.post("/auth/password-reset/complete", json={"token": token, "password": NEW_PASSWORD})
    assert late.status == 410
    assert (await sign_in_as(client, account.email, PASSWORD)).status == 200


async def resets_of(database_url: str) -> list[str]:
    conn = await asyncpg.connect(database_url, server_settings={"search_path": "meeting"})
    try:
        rows = await conn.fetch(
            "select o.email from password_resets r join organisers o on o.id = r.organiser_id order by r.created_at"
        )
    finally:
        await conn.close()
    return [r["email"] for r in rows]


async def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client: Client, meeting_settings: Settings, database_url: str
) -> None:
    account = await new_account(meeting_settings)
    unknown = await client.post("/auth/password-reset", json={"email": "nobody@quatest2.example"})
    known = await client.post("/auth/password-reset", json={"email": account.email})
    assert unknown.status == known.status == 202
    assert await unknown.read() == await known.read() == b""
    assert await resets_of(database_url) == [account.email]


async def test_reset_requests_for_one_address_are_limited(
    client: Client, meeting_settings: Settings, database_url: str
) -> None:
    account = await new_account(meeting_settings)
    for _ in range(5):
        assert (await client.post("/auth/password-reset", json={"email": account.email})).status == 202
    assert await resets_of(database_url) == [account.email] * 3


async def test_twin_requests_with_one_reset_link_set_one_password(
    client: Client, meeting_settings: Settings, tap: EventTap, env: dict[str, Any]
) -> None:
    account = await new_account(meeting_settings)
    assert (await client.post("/auth/password-reset", json={"email": account.email})).status == 202
    token = await reset_link(tap, env, account.email)
    twins = await asyncio.gather(
        *(
            client.post("/auth/password-reset/complete", json={"token": token, "password": f"{NEW_PASSWORD}-{i}"})
            for i in range(2)
        )
    )
    assert sorted(t.status for t in twins) == [200, 410]
    [winner] = [i for i, t in enumerate(twins) if t.status == 200]
    client.session.cookie_jar.clear()
    assert (await sign_in_as(client, account.email, f"{NEW_PASSWORD}-{winner}")).status == 200
    assert (await sign_in_as(client, account.email, f"{NEW_PASSWORD}-{1 - winner}")).status == 401
