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
from notifier.app import create_app as notifier_app
from tests.conftest import Inbox, settings_of
from tests.notifier.conftest import notifier_settings
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
        await page.wait_for_url(f"{site}/organiser")
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


async def test_a_forgotten_password_is_reset_from_the_emailed_link(
    env: dict[str, Any], browser: Browser, start_service: Callable[..., Awaitable[Any]], smtp: tuple[Inbox, int]
) -> None:
    inbox, smtp_port = smtp
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    settings = settings_of(MeetingSettings, env, public_url=site)
    await start_service(meeting_app(settings), port)
    await start_service(notifier_app(notifier_settings(env, smtp_port=smtp_port)))
    email = f"btc-{uuid.uuid4().hex[:6]}@quatest2.example.org"
    await create_organiser(settings, f"QUATEST 2 {uuid.uuid4().hex[:6]}", "Ban tổ chức hội nghị", email, PASSWORD)
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await page.goto(f"{site}/login")
        await page.get_by_role("button", name="Quên mật khẩu?").click()
        await page.get_by_label("Địa chỉ email").fill(email)
        await page.get_by_role("button", name="Gửi liên kết đặt lại").click()
        await expect(page.get_by_role("status")).to_contain_text("liên kết đặt lại mật khẩu đã được gửi")

        await inbox.count(1)
        [mail] = inbox.to(email)
        assert mail["Subject"] == "Đặt lại mật khẩu Hội nghị"
        body = mail.get_body(("plain",))
        assert body is not None
        [link] = [w for w in str(body.get_content()).split() if w.startswith(f"{site}/login#reset=")]

        await page.goto(link)
        await page.get_by_label("Mật khẩu mới (ít nhất 12 ký tự)").fill("mật-khẩu-mới-của-tôi")
        await expect(page).to_have_url(f"{site}/login")  # the secret has left the address bar
        await page.get_by_role("button", name="Đặt mật khẩu mới").click()
        await page.wait_for_url(f"{site}/organiser")

        await page.goto(link)  # a second time: spent
        await page.get_by_label("Mật khẩu mới (ít nhất 12 ký tự)").fill("lại-một-mật-khẩu-khác")
        await page.get_by_role("button", name="Đặt mật khẩu mới").click()
        await expect(page.get_by_role("alert")).to_have_text(
            "Liên kết đã được dùng hoặc đã hết hạn. Vui lòng yêu cầu liên kết mới."
        )
        signed = await context.request.post(
            f"{site}/auth/sign-in", data={"email": email, "password": "mật-khẩu-mới-của-tôi"}
        )
        assert signed.status == 200
    finally:
        await context.close()
