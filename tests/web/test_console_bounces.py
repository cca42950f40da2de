"""The console's people table shows an invitation the recipient's mail server refused as bounced, with the
server's answer on hover and for screen readers, its invitation filter finds it, and the address put
right in the row's form and resent makes it sent (Chromium, axe-core)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiosmtpd.controller import Controller
from playwright.async_api import Browser, expect

from devstack.infra import free_port
from meeting_svc.__main__ import create_organiser
from meeting_svc.app import create_app as meeting_app
from meeting_svc.settings import Settings as MeetingSettings
from notifier.app import create_app as notifier_app
from tests.conftest import settings_of, wait_for
from tests.meeting.conftest import meeting_body
from tests.notifier.conftest import RefusingServer, notifier_settings
from tests.web.axe import assert_accessible
from tests.web.conftest import json_of

PASSWORD = "mật-khẩu-ban-tổ-chức"
REFUSAL = "550 5.1.1 <binh@sai.example.org>: Recipient address rejected: User unknown"


async def test_the_people_table_shows_and_filters_a_bounced_invitation(
    env: dict[str, Any], browser: Browser, start_service: Callable[..., Awaitable[Any]]
) -> None:
    server = RefusingServer({"binh@sai.example.org": REFUSAL})
    smtp_port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    context = await browser.new_context()
    try:
        port = free_port()
        site = f"http://127.0.0.1:{port}"
        settings = settings_of(MeetingSettings, env, public_url=site)
        meeting = await start_service(meeting_app(settings), port)
        await start_service(notifier_app(notifier_settings(env, smtp_port=smtp_port)))
        email = f"btc-{uuid.uuid4().hex[:6]}@quatest2.example.org"
        _, token = await create_organiser(settings, f"QUATEST 2 {uuid.uuid4().hex[:6]}", "Ban tổ chức", email, PASSWORD)
        organiser = {"Authorization": f"Bearer {token}"}
        m = await json_of(await meeting.post("/api/v1/meetings", json=meeting_body(), headers=organiser), 201)
        people = f"/api/v1/meetings/{m['id']}/participants"
        for name, address in (("Nguyễn Văn An", "an@example.org"), ("Trần Bình", "binh@sai.example.org")):
            body = {"name": name, "email": address, "role": "voting_member"}
            await json_of(await meeting.post(people, json=body, headers=organiser), 201)
        await json_of(await meeting.post(f"/api/v1/meetings/{m['id']}/invitations:send", headers=organiser), 202)

        async def bounced() -> bool:
            found = await json_of(await meeting.get(people, params={"invitation": "bounced"}, headers=organiser))
            return len(found["items"]) == 1

        await wait_for(bounced, timeout=30, what="the refused invitation bounced")

        page = await context.new_page()
        await page.goto(f"{site}/login")
        await page.get_by_label("Địa chỉ email").fill(email)
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.get_by_role("button", name="Đăng nhập").click()
        await page.wait_for_url(f"{site}/organiser")
        await page.goto(f"{site}/organiser/meetings/{m['id']}/people")
        rows = page.locator("table.people tbody tr")
        await expect(rows).to_have_count(2)
        cell = rows.filter(has_text="Trần Bình").locator("td").nth(5)
        await expect(cell).to_contain_text("Bị trả lại")
        await expect(cell).to_have_attribute("title", REFUSAL)
        await expect(rows.filter(has_text="Nguyễn Văn An").locator("td").nth(5)).to_have_text("Đã gửi")
        # the organiser can send it again from the row, once the address is put right
        await expect(page.get_by_role("button", name="Gửi lại: Trần Bình")).to_be_visible()

        await page.get_by_label("Thư mời", exact=True).select_option("bounced")
        await expect(rows).to_have_count(1)
        await expect(rows).to_contain_text("Trần Bình")
        await assert_accessible(page)

        await page.get_by_role("button", name="English").click()
        await expect(rows.filter(has_text="Trần Bình").locator("td").nth(5)).to_contain_text("Bounced")
        await page.get_by_label("Invitation", exact=True).select_option("bounced")
        await expect(rows).to_have_count(1)

        # The address put right in the row's form, then resent: sent, and it arrives.
        await page.get_by_role("button", name="Edit: Trần Bình").click()
        await page.get_by_label("Email", exact=True).fill("binh@example.org")
        await page.get_by_role("button", name="Save").click()
        await expect(rows.filter(has_text="binh@example.org")).to_contain_text("Bounced")  # saved, not yet resent
        await page.get_by_label("Invitation", exact=True).select_option("")
        await page.get_by_role("button", name="Resend: Trần Bình").click()
        await expect(rows.filter(has_text="Trần Bình").locator("td").nth(5)).to_have_text("Sent")
        await server.count(2)
        assert len(server.to("binh@example.org")) == 1
    finally:
        await context.close()
        controller.stop()
