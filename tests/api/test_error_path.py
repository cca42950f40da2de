"""One error path on every service: what the router refuses, a body that is not UTF-8, a database out
of connections: each a problem+json 4xx or a 503 with Retry-After, never a 500."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from prometheus_client import REGISTRY

from servicekit.runtime import RUNTIME
from tests.api.conftest import SERVICES
from tests.conftest import wait_for

Client = TestClient[Any, Any]

# One route of each service that reads its JSON body before it looks anything up, and a text field of it.
JSON_ROUTES = {
    "meeting": ("/api/v1/meetings", "POST", "timezone"),
    "resolution": (f"/api/v1/directives/{uuid.uuid4()}", "PATCH", "note"),
    "notifier": ("/api/v1/subscriptions", "POST", "description"),
}


def unhandled_errors() -> float:
    return sum(
        s.value
        for metric in REGISTRY.collect()
        if metric.name == "http_unhandled_errors"
        for s in metric.samples
        if s.name.endswith("_total")
    )


async def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.headers["Content-Type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = await response.json(content_type=None)
    assert response.status == status, body
    assert body["status"] == status
    return body


@pytest.mark.parametrize("name", SERVICES)
async def test_what_the_router_refuses_is_a_405_problem_without_a_token(services: dict[str, Client], name: str) -> None:
    client = services[name]
    before = unhandled_errors()
    path, method, _ = JSON_ROUTES[name]
    wrong_method = await client.put(path)
    await problem(wrong_method, 405)
    assert method in wrong_method.headers["Allow"]
    await problem(await client.request("TRACE", path), 405)
    preflight = await client.options(
        path, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    await problem(preflight, 405)
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert unhandled_errors() == before  # nothing was logged as a bug


@pytest.mark.parametrize("name", SERVICES)
async def test_invalid_utf8_inside_a_json_string_is_a_400_naming_the_body(
    services: dict[str, Client], organiser_auth: dict[str, str], name: str
) -> None:
    path, method, text = JSON_ROUTES[name]
    body = b'{"%s": "H\xe1\xbb\x99i ngh\xff"}' % text.encode()
    response = await services[name].request(
        method, path, data=body, headers={**organiser_auth, "Content-Type": "application/json"}
    )
    got = await problem(response, 400)
    assert got["field"] == "body"
    assert "UTF-8" in got["detail"]


async def test_invalid_utf8_to_the_public_session_route_is_a_400(services: dict[str, Client]) -> None:
    response = await services["meeting"].post(
        "/api/v1/sessions",
        data=b'{"invite_code": "\xc3\x28abcdefghijkl"}',
        headers={"Content-Type": "application/json"},
    )
    assert (await problem(response, 400))["field"] == "body"


async def test_every_connection_of_the_pool_busy_is_a_503_with_retry_after(
    services: dict[str, Client], organiser_auth: dict[str, str]
) -> None:
    client = services["meeting"]
    pool = client.app[RUNTIME].db()
    pool.acquire_timeout = 0.3
    held: list[Any] = []

    async def take_every_connection() -> None:
        # first in the pool's queue, so a connection the service's own tasks give back comes here
        while True:
            held.append(await pool.acquire(timeout=60))

    taker = asyncio.create_task(take_every_connection())
    try:
        await wait_for(lambda: _none_free(pool), what="every connection taken")
        response = await client.get("/api/v1/meetings", headers=organiser_auth)
        got = await problem(response, 503)
        assert int(response.headers["Retry-After"]) > 0
        assert "retry" in got["detail"]
    finally:
        taker.cancel()
        await asyncio.gather(taker, return_exceptions=True)
        await asyncio.gather(*(pool.release(c) for c in held))
    # and once connections are free again, the same request is served
    assert (await client.get("/api/v1/meetings", headers=organiser_auth)).status == 200


async def _none_free(pool: Any) -> bool:
    return bool(pool._queue.empty())  # asyncpg keeps its free connections in this queue
