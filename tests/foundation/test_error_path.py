"""The shared error middleware: every failure a problem+json; the database out of reach or out of
capacity a 503 with Retry-After; a bug a 500 whose traceback is logged once, not once per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from servicekit.http import ErrorLog, problem_middleware

RAISED: dict[str, BaseException] = {
    "too-many-clients": asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
    "starting": asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
    "refused": ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
    "pool-timeout": TimeoutError(),
    "shutdown": asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
}


@pytest.fixture
async def client() -> AsyncIterator[TestClient[Any, Any]]:
    async def fail(request: web.Request) -> web.Response:
        what = request.match_info["what"]
        if what == "bug":
            raise KeyError("a bug")
        raise RAISED[what]

    app = web.Application(middlewares=[problem_middleware])
    app.router.add_get("/fail/{what}", fail)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()


@pytest.mark.parametrize("what", sorted(RAISED))
async def test_database_unavailable_is_a_503_with_retry_after(client: TestClient[Any, Any], what: str) -> None:
    response = await client.get(f"/fail/{what}")
    assert response.status == 503
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert int(response.headers["Retry-After"]) > 0
    assert (await response.json(content_type=None))["status"] == 503


async def test_a_bug_is_a_500_problem(client: TestClient[Any, Any]) -> None:
    response = await client.get("/fail/bug")
    assert response.status == 500
    assert (await response.json(content_type=None))["title"] == "Internal error"


class Lines:
    def __init__(self) -> None:
        self.lines: list[tuple[str, dict[str, Any]]] = []

    def error(self, event: str, **fields: Any) -> None:
        self.lines.append((event, fields))


def test_the_same_bug_hit_a_thousand_times_logs_one_traceback() -> None:
    lines = Lines()
    errors = ErrorLog(logger=lines)
    for _ in range(1000):
        try:
            {}["missing"]
        except KeyError as exc:
            errors.record(exc, "/api/v1/meetings")
    tracebacks = [f for _, f in lines.lines if "exc_info" in f]
    assert len(tracebacks) == 1
    assert len(lines.lines) <= 11  # and a one-line reminder at 2, 4, 8, ... occurrences
    assert lines.lines[-1][1]["occurrences"] == 512
