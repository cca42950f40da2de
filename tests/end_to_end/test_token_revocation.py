"""Revoking an organiser API token in meeting_svc shuts it out of resolution_svc and the notifier too,
within seconds, while other organisers' tokens keep working."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient

from meeting_svc.__main__ import create_organiser, revoke
from meeting_svc.app import create_app as meeting_app
from meeting_svc.settings import Settings as MeetingSettings
from notifier.app import create_app as notifier_app
from resolution_svc.app import create_app as resolution_app
from resolution_svc.settings import Settings as ResolutionSettings
from servicekit.tokens import TokenVerifier, public_of, read_key
from tests.conftest import settings_of, wait_for
from tests.notifier.conftest import notifier_settings

Client = TestClient[Any, Any]


async def test_a_revoked_organiser_token_is_refused_by_every_service(
    env: dict[str, Any], start_service: Callable[..., Awaitable[Client]]
) -> None:
    meeting_settings = settings_of(MeetingSettings, env)
    meeting = await start_service(meeting_app(meeting_settings))
    resolution = await start_service(resolution_app(settings_of(ResolutionSettings, env)))
    notifier = await start_service(notifier_app(notifier_settings(env)))
    _, leaked = await create_organiser(meeting_settings, "QUATEST 2", "Ban tổ chức")
    _, colleague = await create_organiser(meeting_settings, "QUATEST 2", "Văn phòng")

    async def statuses(token: str) -> list[int]:
        auth = {"Authorization": f"Bearer {token}"}
        answers = [
            await meeting.get("/api/v1/meetings", headers=auth),
            await resolution.get("/api/v1/directives", headers=auth),
            await notifier.get("/api/v1/subscriptions", headers=auth),
        ]
        return [a.status for a in answers]

    assert await statuses(leaked) == [200, 200, 200]
    verifier = TokenVerifier(public_of(read_key(meeting_settings.token_private_key, "TOKEN_PRIVATE_KEY")))
    assert await revoke(meeting_settings, verifier.verify(leaked).jti)

    async def refused_everywhere() -> bool:
        return await statuses(leaked) == [401, 401, 401]

    await wait_for(refused_everywhere, timeout=15, what="every service to refuse the revoked token")
    some_meeting = "0193a000-0000-7000-8000-000000000000"
    by_query = await notifier.get(f"/api/v1/meetings/{some_meeting}/stream", params={"access_token": leaked})
    assert (by_query.status, (await by_query.json())["title"]) == (401, "Token revoked")  # where a query may carry it
    assert await statuses(colleague) == [200, 200, 200]
    problem = await (await notifier.get("/api/v1/subscriptions", headers={"Authorization": f"Bearer {leaked}"})).json()
    assert (problem["title"], problem["field"]) == ("Token revoked", "Authorization")


async def test_a_read_only_api_token_reads_everywhere_and_changes_nothing_anywhere(
    env: dict[str, Any], start_service: Callable[..., Awaitable[Client]]
) -> None:
    meeting_settings = settings_of(MeetingSettings, env)
    meeting = await start_service(meeting_app(meeting_settings))
    resolution = await start_service(resolution_app(settings_of(ResolutionSettings, env)))
    notifier = await start_service(notifier_app(notifier_settings(env)))
    _, admin = await create_organiser(meeting_settings, "QUATEST 2", "Ban tổ chức")
    made = await meeting.post(
        "/api/v1/api-tokens", json={"name": "Báo cáo", "scope": "read"}, headers={"Authorization": f"Bearer {admin}"}
    )
    reader = {"Authorization": f"Bearer {(await made.json())['token']}"}
    reads = [
        await meeting.get("/api/v1/meetings", headers=reader),
        await resolution.get("/api/v1/directives", headers=reader),
        await notifier.get("/api/v1/subscriptions", headers=reader),
    ]
    assert [r.status for r in reads] == [200, 200, 200]
    writes = [
        await meeting.post("/api/v1/departments", json={"name": {"vi": "Phòng Đo lường"}}, headers=reader),
        await resolution.post(
            "/api/v1/meetings/0193a000-0000-7000-8000-000000000000/resolutions",
            json={"title": {"vi": "Nghị quyết"}, "text": {"vi": "..."}},
            headers=reader,
        ),
        await notifier.post(
            "/api/v1/subscriptions", json={"url": "https://erp.example.org/hook", "event_types": ["*"]}, headers=reader
        ),
    ]
    assert [w.status for w in writes] == [403, 403, 403]


async def test_signing_out_everywhere_shuts_the_console_tokens_out_of_every_service(
    env: dict[str, Any], start_service: Callable[..., Awaitable[Client]]
) -> None:
    site = "https://meet.example.org"
    meeting_settings = settings_of(MeetingSettings, env, public_url=site)
    meeting = await start_service(meeting_app(meeting_settings))
    resolution = await start_service(resolution_app(settings_of(ResolutionSettings, env)))
    notifier = await start_service(notifier_app(notifier_settings(env)))
    email = "btc@quatest2.example.org"
    await create_organiser(meeting_settings, "QUATEST 2", "Ban tổ chức", email, "mật-khẩu-đủ-dài")
    signed = await meeting.post("/auth/sign-in", json={"email": email, "password": "mật-khẩu-đủ-dài"})
    browser = {
        "Cookie": f"__Host-hoinghi_session={signed.cookies['__Host-hoinghi_session'].value}",
        "X-CSRF-Token": (await signed.json())["csrf_token"],
        "Origin": site,
    }
    meeting.session.cookie_jar.clear()
    token = (await (await meeting.post("/auth/token", headers=browser)).json())["token"]
    auth = {"Authorization": f"Bearer {token}"}

    async def statuses() -> list[int]:
        answers = [
            await meeting.get("/api/v1/meetings", headers=auth),
            await resolution.get("/api/v1/directives", headers=auth),
            await notifier.get("/api/v1/subscriptions", headers=auth),
        ]
        return [a.status for a in answers]

    assert await statuses() == [200, 200, 200]
    assert (await meeting.post("/auth/sign-out-everywhere", headers=browser)).status == 200

    async def refused_everywhere() -> bool:
        return await statuses() == [401, 401, 401]

    await wait_for(refused_everywhere, timeout=15, what="every service to refuse the signed-out console token")
