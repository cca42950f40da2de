"""The three services' HTTP APIs under bad input: each service started for real, with a token of an
organiser and, for the fuzz, the reference conference loaded so requests name ids that exist."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from meeting_svc.__main__ import create_organiser
from meeting_svc.app import create_app as meeting_app
from meeting_svc.settings import Settings as MeetingSettings
from notifier.app import create_app as notifier_app
from resolution_svc.app import create_app as resolution_app
from resolution_svc.settings import Settings as ResolutionSettings
from tests.conftest import settings_of
from tests.notifier.conftest import notifier_settings
from tests.web.conftest import Running, running  # the three services with the reference conference

__all__ = ["Running", "running"]

Client = TestClient[Any, Any]
SERVICES = ("meeting", "resolution", "notifier")


@pytest.fixture
async def services(env: dict[str, Any], start_service: Callable[..., Awaitable[Client]]) -> dict[str, Client]:
    """The three services, each on its own port, with nothing loaded."""
    return {
        "meeting": await start_service(meeting_app(settings_of(MeetingSettings, env))),
        "resolution": await start_service(resolution_app(settings_of(ResolutionSettings, env))),
        "notifier": await start_service(notifier_app(notifier_settings(env))),
    }


@pytest.fixture
async def organiser_auth(env: dict[str, Any], services: dict[str, Client]) -> dict[str, str]:
    _, token = await create_organiser(
        settings_of(MeetingSettings, env), f"QUATEST 2 {uuid.uuid4().hex[:6]}", "Ban tổ chức"
    )
    return {"Authorization": f"Bearer {token}"}
