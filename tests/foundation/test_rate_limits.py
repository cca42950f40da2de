"""Rate limits as a service runs them: a caller or an address over its limit is answered 429 with
Retry-After in problem+json, whichever replica it asks, while other callers are served; clients the
settings exempt are never limited."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from aiohttp import web

from servicekit.limits import credential_key
from servicekit.runtime import RUNTIME, Runtime, create_base_app
from servicekit.settings import CommonSettings
from tests.conftest import settings_of, wait_for

SQL = Path(__file__).resolve().parents[2] / "meeting_svc" / "sql"


async def hello(_: web.Request) -> web.Response:
    return web.json_response({"ok": True})


# The middle of a minute, fixed: the counts of a test never straddle two minutes.
NOW = (time.time() // 60) * 60 + 30


def replica(env: dict[str, Any], exempt: str = "", **limits: Any) -> web.Application:
    settings = settings_of(CommonSettings, env, rate_limit_exempt=exempt, **limits)
    app = create_base_app(Runtime(settings=settings, service="meeting", sql=SQL))
    app[RUNTIME].limits.clock = lambda: NOW  # type: ignore[union-attr]  # create_base_app sets it
    app.router.add_get("/api/v1/hello", hello)
    return app


def token(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {name}"}


async def test_a_caller_over_its_limit_waits_and_others_are_served(env: dict[str, Any], start_service: Any) -> None:
    client = await start_service(replica(env, rate_limit_caller_per_min=5))
    statuses = [(await client.get("/api/v1/hello", headers=token("chu-tich"))).status for _ in range(5)]
    assert statuses == [200] * 5
    refused = await client.get("/api/v1/hello", headers=token("chu-tich"))
    assert refused.status == 429
    assert refused.content_type == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 120
    assert (await client.get("/api/v1/hello", headers=token("thu-ky"))).status == 200
    assert (await client.get("/healthz", headers=token("chu-tich"))).status == 200  # health is never counted


async def test_the_limit_is_shared_by_the_replicas(env: dict[str, Any], start_service: Any) -> None:
    one = await start_service(replica(env, rate_limit_caller_per_min=6))
    two = await start_service(replica(env, rate_limit_caller_per_min=6))
    for _ in range(3):
        assert (await one.get("/api/v1/hello", headers=token("dai-bieu"))).status == 200
    for _ in range(3):
        assert (await two.get("/api/v1/hello", headers=token("dai-bieu"))).status == 200

    async def both_know() -> bool:
        # each replica adds its count to the shared rows and reads the totals back every second
        key = credential_key("Bearer dai-bieu")
        return all(c.app[RUNTIME].limits.total(key, NOW) >= 6 for c in (one, two))  # type: ignore[union-attr]

    await wait_for(both_know, timeout=10, what="the counts shared")
    assert (await one.get("/api/v1/hello", headers=token("dai-bieu"))).status == 429
    assert (await two.get("/api/v1/hello", headers=token("dai-bieu"))).status == 429


async def test_an_address_is_limited_whatever_tokens_it_sends(env: dict[str, Any], start_service: Any) -> None:
    client = await start_service(replica(env, rate_limit_address_per_min=4, rate_limit_caller_per_min=0))
    statuses = [(await client.get("/api/v1/hello", headers=token(f"forged-{n}"))).status for n in range(6)]
    assert statuses == [200] * 4 + [429] * 2


async def test_an_exempt_client_is_not_limited(env: dict[str, Any], start_service: Any) -> None:
    limited = await start_service(replica(env, rate_limit_caller_per_min=2))
    free = await start_service(replica(env, CommonSettings().rate_limit_exempt, rate_limit_caller_per_min=2))
    assert [(await free.get("/api/v1/hello", headers=token("x"))).status for _ in range(5)] == [200] * 5
    assert [(await limited.get("/api/v1/hello", headers=token("x"))).status for _ in range(3)] == [200, 200, 429]
