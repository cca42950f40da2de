"""Real Chromium for the web client's tests, driven by Playwright. `.ci/run` installs Debian's
chromium; elsewhere the tests are skipped with a note saying what to install."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from playwright.async_api import Browser, Page, async_playwright, expect

from devstack import seed
from devstack.infra import free_port
from devstack.reference import ORGANISATION, Conference, conference
from meeting_svc.__main__ import create_organiser
from meeting_svc.app import create_app as meeting_app
from meeting_svc.settings import Settings as MeetingSettings
from notifier.app import create_app as notifier_app
from resolution_svc.app import create_app as resolution_app
from resolution_svc.settings import Settings as ResolutionSettings
from servicekit.runtime import RUNTIME
from tests.conftest import Inbox, settings_of, wait_for
from tests.notifier.conftest import notifier_settings

Client = TestClient[Any, Any]

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


# Live updates cross three services and a stream; allow for a slow machine before calling them lost.
expect.set_options(timeout=15_000)


def chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = chromium()
    if executable is None:
        pytest.skip("browser tests need Chromium: apt-get install chromium (or set CHROMIUM to its path)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def json_of(response: aiohttp.ClientResponse, status: int = 200) -> Any:
    body = await response.json()
    assert response.status == status, body
    return body


@dataclass
class Running:
    """The three services on known ports (the page needs the others' addresses), with the reference
    conference loaded through the APIs."""

    meeting: Client
    resolution: Client
    notifier: Client
    url: dict[str, str]
    organiser: dict[str, str]
    loaded: seed.Loaded
    ref: Conference

    @property
    def meeting_api(self) -> str:
        return f"{self.url['meeting']}/api/v1"

    async def start_meeting(self) -> None:
        mid = self.loaded.meeting_id
        await json_of(await self.meeting.post(f"/api/v1/meetings/{mid}/start", headers=self.organiser))
        await self.heard_started()

    async def heard_started(self) -> None:
        """Wait until resolution_svc has heard that the meeting started (it opens polls only then), and the
        notifier too (it holds a poll's events in the live stream until it knows the meeting as they did)."""
        mid = self.loaded.meeting_id

        async def started() -> bool:
            status = await self.resolution.app[RUNTIME].db().fetchval("select status from meetings where id = $1", mid)
            told = (
                await self.notifier.app[RUNTIME].db().fetchval("select status from meetings where meeting_id = $1", mid)
            )
            return bool(status == "in_progress" and told == "started")

        await wait_for(started, timeout=60, what="resolution_svc and the notifier to hear that the meeting started")

    async def resolution_poll(self, **rules: Any) -> dict[str, Any]:
        """A poll on the conference's Resolution, prepared by the organiser (a draft)."""
        body = {
            "motion": "resolution",
            "resolution_id": self.loaded.resolution_id,
            "question": {"vi": "Biểu quyết thông qua Nghị quyết", "en": "Adopt the Resolution"},
            **rules,
        }
        path = f"/api/v1/meetings/{self.loaded.meeting_id}/polls"
        return await json_of(await self.resolution.post(path, json=body, headers=self.organiser), 201)  # type: ignore[no-any-return]

    async def session(self, email: str | None) -> str:
        """A participant's session token, got through their invite link as the web client does."""
        return await seed.session_token(self.meeting_api, self.loaded.invites[email or ""])

    async def enter(self, page: Page, email: str | None) -> None:
        """Open a person's invite link and follow it into the web client."""
        await page.goto(self.loaded.invites[email or ""])
        await page.get_by_role("link", name="Vào hội nghị").click()
        # signed in once the tab holds its session: a test may then leave for another of the meeting's pages
        await page.wait_for_function(
            "() => Object.keys(sessionStorage).some((key) => key.startsWith('hoinghi.session.'))"
        )


@dataclass
class Services:
    """The three services on known ports, the meeting service's settings, and the mail they sent."""

    meeting: Client
    resolution: Client
    notifier: Client
    url: dict[str, str]
    settings: MeetingSettings
    inbox: Inbox


async def start_services(
    env: dict[str, Any], smtp: tuple[Inbox, int], start_service: Callable[..., Awaitable[Client]]
) -> Services:
    inbox, smtp_port = smtp
    ports = {name: free_port() for name in ("meeting", "resolution", "notifier")}
    url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    web_origin = {"cors_origins": url["meeting"]}
    meeting_settings = settings_of(
        MeetingSettings, env, public_url=url["meeting"], resolution_url=url["resolution"], notifier_url=url["notifier"]
    )
    meeting = await start_service(meeting_app(meeting_settings), ports["meeting"])
    resolution = await start_service(
        resolution_app(settings_of(ResolutionSettings, env, **web_origin)), ports["resolution"]
    )
    notifier = await start_service(
        notifier_app(notifier_settings(env, smtp_port=smtp_port, **web_origin)), ports["notifier"]
    )
    return Services(meeting, resolution, notifier, url, meeting_settings, inbox)


@pytest.fixture
async def services(
    env: dict[str, Any], smtp: tuple[Inbox, int], start_service: Callable[..., Awaitable[Client]]
) -> Services:
    """The three services with nothing in them: no organisation, no departments, no meeting."""
    return await start_services(env, smtp, start_service)


@pytest.fixture
async def running(
    env: dict[str, Any], smtp: tuple[Inbox, int], start_service: Callable[..., Awaitable[Client]]
) -> Running:
    up = await start_services(env, smtp, start_service)
    org, token = await create_organiser(up.settings, ORGANISATION, "Ban tổ chức")
    url = up.url
    loaded = await seed.load(
        f"{url['meeting']}/api/v1", f"{url['resolution']}/api/v1", token, str(org), seed.next_reference_start()
    )
    return Running(
        up.meeting, up.resolution, up.notifier, url, {"Authorization": f"Bearer {token}"}, loaded, conference()
    )
