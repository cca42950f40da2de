"""The organisers' sign-in page in Chromium: a wrong password said in words, signing in (the console's
bearer token then works), the signed-in panel, sign-out everywhere, the language switch, and axe-core."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import Browser, expect

from devstack.infra import free_port
from meeting_svc.__main__ import create_organiser
from meeting_svc.app import create_app as meeting_app
from meeting_svc.settings import Settings as MeetingSettings
from tests.conftest import settings_of
from tests.web.axe import assert_accessible

PASSWORD = "mật-khẩu-ban-tổ-chức"


async def test_an_organiser_signs_in_and_out_everywhere_from_the_page(
    env: dict[str, Any], browser: Browser, start_service: Callable[..., Awaitable[Any]]
) -> None:
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    settings = settings_of(MeetingSettings, env, public_url=site)
    await start_service(meeting_app(settings), port)
    email = f"btc-{uuid.uuid4().hex[:6]}@quatest2.example.org"
    await create_organiser(settings, f"QUATEST 2 {uuid.uuid4().hex[:6]}", "Ban tổ chức hội nghị", email, PASSWORD)
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await page.goto(f"{site}/")  # not signed in: the sign-in page
        await expect(page.get_by_role("heading", name="Đăng nhập Ban tổ chức")).to_be_visible()
        await assert_accessible(page)
        await page.get_by_label("Địa chỉ email").fill(email)
        await page.get_by_label("Mật khẩu").fill("sai-mật-khẩu-rồi")
        await page.get_by_role("button", name="Đăng nhập").click()
        await expect(page.get_by_role("alert")).to_have_text("Email hoặc mật khẩu không đúng.")

        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.get_by_role("button", name="Đăng nhập").click()
        await page.wait_for_url(f"{site}/console")
        [cookie] = await context.cookies()
        assert (cookie["name"], cookie["httpOnly"], cookie["sameSite"]) == ("hoinghi_session", True, "Lax")

        await page.goto(f"{site}/login")
        await expect(page.get_by_text("Đã đăng nhập: Ban tổ chức hội nghị")).to_be_visible()
        # what the console does: cookie + CSRF token for a bearer token, then the API as machines use it
        token = await page.evaluate(
            """async () => {
                 const session = await (await fetch("/auth/session")).json();
                 const headers = {"X-CSRF-Token": session.csrf_token};
                 const answer = await fetch("/auth/token", {method: "POST", headers});
                 return (await answer.json()).token;
               }"""
        )
        api = await context.request.get(f"{site}/api/v1/meetings", headers={"Authorization": f"Bearer {token}"})
        assert api.status == 200
        await assert_accessible(page)

        await page.get_by_role("button", name="English").click()
        await page.get_by_role("button", name="Sign out everywhere").click()
        await expect(page.get_by_role("status")).to_have_text("Signed out.")
        await expect(page.get_by_role("heading", name="Organiser sign-in")).to_be_visible()
        revoked = await context.request.get(f"{site}/api/v1/meetings", headers={"Authorization": f"Bearer {token}"})
        assert revoked.status == 401
        assert await context.cookies() == []
    finally:
        await context.close()
