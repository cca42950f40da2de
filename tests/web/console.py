"""What the organiser console's browser tests share: the secretariat's password, a page checked
(axe-core finds no serious or critical violation; its screenshot kept under test-output/console/, or
$TEST_OUTPUT/console/), and the reference Resolution drafted through the console's form."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from playwright.async_api import Locator, Page, expect

from devstack.reference import Conference, Directive
from tests.web.axe import assert_accessible

PASSWORD = "mật-khẩu-thư-ký-đủ-dài"
OUTPUT = Path(os.environ.get("TEST_OUTPUT", "test-output")) / "console"


async def checked(page: Page, name: str) -> None:
    """The page as it is now: no serious accessibility violation, and its picture kept."""
    await assert_accessible(page)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


async def draft_resolution(page: Page, ref: Conference, due: Callable[[Directive], dt.date]) -> Locator:
    """The reference Resolution drafted in the console, with its eight directives (titles, details, the
    blocks or departments owning each, due dates, priorities); the drafted resolution on the page."""
    await page.get_by_role("link", name="Nghị quyết").click()
    form = page.get_by_role("form", name="Soạn nghị quyết")
    await form.get_by_label("Tên (tiếng Việt)").first.fill(ref.resolution_title.vi)
    await form.get_by_label("Tên (tiếng Anh)").first.fill(ref.resolution_title.en)
    await form.get_by_label("Nội dung (tiếng Việt)").fill(ref.resolution_text.vi)
    await form.get_by_label("Nội dung (tiếng Anh)").fill(ref.resolution_text.en)
    owner = {d.code: f"{'Khối: ' if d.parent is None else '— '}{d.code} · {d.name.vi}" for d in ref.departments}
    for n, directive in enumerate(ref.directives, start=1):
        await form.get_by_role("button", name="Thêm nhiệm vụ").click()
        fields = form.locator(f'[data-directive="{n}"]')
        await fields.get_by_label("Tên (tiếng Việt)").fill(directive.title.vi)
        await fields.get_by_label("Tên (tiếng Anh)").fill(directive.title.en)
        await fields.get_by_label("Nội dung nhiệm vụ").fill(directive.description)
        await fields.get_by_label("Đơn vị hoặc khối chủ trì").select_option(
            label=[owner[code] for code in directive.departments]
        )
        await fields.get_by_label("Hạn hoàn thành").fill(due(directive).isoformat())
        await fields.get_by_label("Mức ưu tiên").select_option(directive.priority)
    await form.get_by_role("button", name="Lưu dự thảo").click()
    drafted = page.locator("[data-resolution]")
    await expect(drafted.locator(".directives li")).to_have_count(len(ref.directives))
    return drafted
