"""After the meeting's window a department's representative still follows up their department's
directives from the web client; the polls are over for them and everyone else's session has ended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Browser, expect

from devstack import seed
from devstack.infra import free_port
from devstack.reference import ORGANISATION, conference
from meeting_svc.__main__ import create_organiser
from meeting_svc.app import create_app as meeting_app
from meeting_svc.settings import Settings as MeetingSettings
from notifier.app import create_app as notifier_app
from resolution_svc.app import create_app as resolution_app
from resolution_svc.settings import Settings as ResolutionSettings
from servicekit.runtime import RUNTIME
from tests.conftest import Inbox, settings_of, wait_for
from tests.notifier.conftest import notifier_settings
from tests.web.conftest import Client, Running, json_of
from tests.web.test_directives import adopt_the_resolution

NO_GRACE = {"session_grace_days": 0.0}  # sessions end with the meeting, so the test need not wait a day


@pytest.fixture
async def running_without_grace(
    env: dict[str, Any], smtp: tuple[Inbox, int], start_service: Callable[..., Awaitable[Client]]
) -> Running:
    ports = {name: free_port() for name in ("meeting", "resolution", "notifier")}
    url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    web = {"cors_origins": url["meeting"], **NO_GRACE}
    settings = settings_of(
        MeetingSettings,
        env,
        public_url=url["meeting"],
        resolution_url=url["resolution"],
        notifier_url=url["notifier"],
        **NO_GRACE,
    )
    meeting = await start_service(meeting_app(settings), ports["meeting"])
    resolution = await start_service(resolution_app(settings_of(ResolutionSettings, env, **web)), ports["resolution"])
    notifier = await start_service(notifier_app(notifier_settings(env, smtp_port=smtp[1], **web)), ports["notifier"])
    org, token = await create_organiser(settings, ORGANISATION, "Ban tổ chức")
    loaded = await seed.load(
        f"{url['meeting']}/api/v1", f"{url['resolution']}/api/v1", token, str(org), seed.next_reference_start()
    )
    return Running(meeting, resolution, notifier, url, {"Authorization": f"Bearer {token}"}, loaded, conference())


async def test_a_representative_follows_up_after_the_meeting(running_without_grace: Running, browser: Browser) -> None:
    running = running_without_grace
    ref, mid = running.ref, running.loaded.meeting_id
    block = "DL"
    ours = [d for d in ref.directives if block in d.departments]
    await adopt_the_resolution(running)
    chair = {"Authorization": f"Bearer {await running.session(ref.chair.email)}"}
    # the meeting is moved to end a moment from now: every session ends with it, but the follow-up
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)  # times being set must lie ahead
    patch = {"starts_at": soon.isoformat(), "ends_at": (soon + dt.timedelta(seconds=1)).isoformat()}
    await json_of(await running.meeting.patch(f"/api/v1/meetings/{mid}", json=patch, headers=running.organiser))
    resolution_db = running.resolution.app[RUNTIME].db()

    async def over() -> bool:
        ended = await resolution_db.fetchval("select ends_at < now() from meetings where id = $1", mid)
        return bool(ended) and (await running.meeting.get(f"/api/v1/meetings/{mid}", headers=chair)).status == 401

    await wait_for(over, what="the meeting's window over")
    page = await browser.new_page()
    try:
        await running.enter(page, ref.representative_of(block).email)
        await expect(page.locator("#directives .directive")).to_have_count(len(ours))
        await expect(page.locator("[data-poll]")).to_have_count(0)
    finally:
        await page.close()
