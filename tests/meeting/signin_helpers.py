"""Organisers who sign in with a password, and a browser's cookie handled by hand: the test client's jar
would send it with every request, and these tests decide exactly when a cookie is sent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from meeting_svc.__main__ import create_organiser
from meeting_svc.settings import Settings
from tests.meeting.conftest import Client

SITE = "https://meet.example.org"  # the meeting tests' PUBLIC_URL
COOKIE = "__Host-hoinghi_session"
PASSWORD = "đúng-mật-khẩu-dài"


@dataclass
class Account:
    email: str
    org: uuid.UUID
    api_token: str  # the one create-organiser printed


@dataclass
class Browser:
    session_id: str
    csrf: str
    set_cookie: str  # the Set-Cookie header as sent

    def headers(self, *, csrf: str | None = "same", origin: str | None = SITE) -> dict[str, str]:
        headers = {"Cookie": f"{COOKIE}={self.session_id}"}
        if origin is not None:
            headers["Origin"] = origin
        if csrf is not None:
            headers["X-CSRF-Token"] = self.csrf if csrf == "same" else csrf
        return headers


async def new_account(settings: Settings, organisation: str = "QUATEST 2") -> Account:
    email = f"btc-{uuid.uuid4().hex[:8]}@quatest2.example"
    org, token = await create_organiser(
        settings, f"{organisation} {uuid.uuid4().hex[:6]}", "Ban tổ chức", email, PASSWORD
    )
    return Account(email, org, token)


async def sign_in_as(client: Client, email: str, password: str = PASSWORD, **headers: str) -> Any:
    response = await client.post(
        "/auth/sign-in", json={"email": email, "password": password}, headers={"Origin": SITE, **headers}
    )
    client.session.cookie_jar.clear()
    return response


async def signed_in(client: Client, account: Account) -> Browser:
    response = await sign_in_as(client, account.email)
    body = await response.json()
    assert response.status == 200, body
    return Browser(response.cookies[COOKIE].value, body["csrf_token"], response.headers["Set-Cookie"])


async def console_token(client: Client, browser: Browser) -> dict[str, str]:
    response = await client.post("/auth/token", headers=browser.headers())
    body = await response.json()
    assert response.status == 200, body
    return {"Authorization": f"Bearer {body['token']}"}
