"""How meeting_svc serves the web client: the shell never cached without asking, the files under a
content-hashed path, compressed, cached for a year; and the other services' APIs forwarded on the
page's own origin, streamed both ways with hop-by-hop headers dropped."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from meeting_svc.app import create_app as meeting_app
from meeting_svc.settings import Settings as MeetingSettings
from meeting_svc.site import assets as webassets
from meeting_svc.site import same_origin
from tests.conftest import settings_of


async def test_the_shell_is_revalidated_and_the_files_are_fingerprinted_compressed_and_immutable(
    env: dict[str, Any], start_service: Any
) -> None:
    meeting = await start_service(meeting_app(settings_of(MeetingSettings, env)))
    shell = await meeting.get("/meetings/0193a1f0-0000-7000-8000-000000000000")
    assert shell.headers["Cache-Control"] == "no-cache"
    assert "connect-src 'self';" in shell.headers["Content-Security-Policy"]
    html = await shell.text()
    script = re.search(r'<script type="module" src="(/web/[0-9a-f]{16}/participant/app\.js)"', html)
    assert script, html
    # the entry's whole import graph, signing in first; the projector's and the desk's views on their pages only
    preloaded = preloads(html)
    assert preloaded[:4] == ["lib/session.js", "lib/api.js", "lib/i18n.js", "lib/state.js"]
    assert {"participant/app.js", "participant/polls.js", "lib/diff.js"} <= set(preloaded)
    assert not {"participant/projector.js", "participant/desk.js", "signin.js", "vendor/jsQR.js"} & set(preloaded)
    # the views' files wait behind signing in and the first screen's request for the browser's few connections
    low = re.findall(r'<link rel="modulepreload" fetchpriority="low" href="/web/[0-9a-f]{16}/([^"]+)"', html)
    assert low == preloaded[4:]
    assert '<script type="module" async src="/web/' in html and "/favicon.ico" not in html
    for view in ("projector", "desk"):
        other = await (await meeting.get(f"/meetings/0193a1f0-0000-7000-8000-000000000000/{view}")).text()
        assert f"participant/{view}.js" in preloads(other) and set(preloaded) < set(preloads(other))

    packed = await meeting.get(script.group(1), headers={"Accept-Encoding": "gzip, br"}, auto_decompress=False)
    assert (packed.status, packed.headers["Content-Encoding"]) == (200, "gzip")
    assert packed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert packed.headers["Content-Type"].startswith("text/javascript")
    plain = await meeting.get(script.group(1), headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and b"import" in await plain.read()
    stale = await meeting.get("/web/0000000000000000/participant/app.js")
    assert stale.status == 404


def test_any_change_to_any_file_changes_the_version(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "app.js").write_text('import { x } from "./lib/a.js";\n')
    (tmp_path / "lib" / "a.js").write_text("export const x = 1;\n")
    before, files = webassets.load(tmp_path)
    assert sorted(files) == ["app.js", "lib/a.js"]
    (tmp_path / "lib" / "a.js").write_text("export const x = 2;\n")
    assert webassets.load(tmp_path)[0] != before


def preloads(html: str) -> list[str]:
    return re.findall(r'<link rel="modulepreload"[^>]* href="/web/[0-9a-f]{16}/([^"]+)"', html)


def test_a_pages_preloads_are_its_scripts_static_imports(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "app.js").write_text(
        'import { a } from "./lib/a.js";\nimport {\n  b,\n  c,\n} from "./lib/b.js";\n'
        'const later = () => import("./lib/later.js");\n'
    )
    (tmp_path / "lib" / "a.js").write_text('import "./b.js";\nexport { x } from "../shared.js";\n')
    (tmp_path / "lib" / "b.js").write_text("export const b = 1, c = 2;\n")
    (tmp_path / "lib" / "later.js").write_text('import { b } from "./b.js";\n')
    (tmp_path / "shared.js").write_text("export const x = 1;\n")
    imported = webassets.imports(webassets.load(tmp_path)[1])
    assert imported["app.js"] == ["lib/a.js", "lib/b.js"]  # a dynamic import() loads when it is asked for
    assert imported["lib/a.js"] == ["lib/b.js", "shared.js"]
    assert webassets.graph(imported, "app.js") == ["app.js", "lib/a.js", "lib/b.js", "shared.js"]
    assert webassets.graph(imported, "app.js", "lib/later.js")[:2] == ["app.js", "lib/later.js"]


class Upstream:
    """A real local HTTP server standing in for resolution_svc: it echoes what reached it and streams
    events one at a time, each only when the test releases it."""

    def __init__(self) -> None:
        self.seen: dict[str, Any] = {}
        self.release: asyncio.Queue[str] = asyncio.Queue()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/v1/echo", self.echo)
        app.router.add_get("/api/v1/stream", self.stream)
        return app

    async def echo(self, request: web.Request) -> web.Response:
        self.seen = {"headers": dict(request.headers), "query": dict(request.query), "body": await request.text()}
        return web.json_response(
            {"method": request.method}, status=201, headers={"ETag": '"7"', "Connection": "close, X-Hop", "X-Hop": "1"}
        )

    async def stream(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        while (event := await self.release.get()) != "end":
            await response.write(f"event: {event}\ndata: {{}}\n\n".encode())
        return response


@pytest.fixture
async def forwarded() -> AsyncIterator[tuple[Upstream, TestClient[Any, Any]]]:
    upstream = Upstream()
    server = TestServer(upstream.app(), host="127.0.0.1")
    await server.start_server()
    front = web.Application()
    same_origin.setup(front, {"resolution": str(server.make_url("")).rstrip("/")})
    client = TestClient(TestServer(front, host="127.0.0.1"))
    await client.start_server()
    try:
        yield upstream, client
    finally:
        await upstream.release.put("end")
        await client.close()
        await server.close()


async def test_requests_are_forwarded_with_end_to_end_headers_only(forwarded: tuple[Upstream, Any]) -> None:
    upstream, client = forwarded
    response = await client.post(
        "/resolution/api/v1/echo?poll=1",
        data='{"choice": "yes"}',
        headers={
            "Authorization": "Bearer t",
            "If-Match": '"3"',
            "Content-Type": "application/json",
            "Connection": "keep-alive, X-Private",
            "X-Private": "only for the first hop",
            "Proxy-Authorization": "Basic x",
            "Cookie": "hoinghi_session=s",
        },
    )
    assert (response.status, await response.json(), response.headers["ETag"]) == (201, {"method": "POST"}, '"7"')
    assert "X-Hop" not in response.headers
    seen = upstream.seen
    assert (seen["query"], seen["body"]) == ({"poll": "1"}, '{"choice": "yes"}')
    assert seen["headers"]["Authorization"] == "Bearer t" and seen["headers"]["If-Match"] == '"3"'
    assert "X-Private" not in seen["headers"] and "Proxy-Authorization" not in seen["headers"]
    assert "Cookie" not in seen["headers"]  # the organiser's session stays with meeting_svc
    assert seen["headers"]["X-Forwarded-Proto"] == "http"
    assert seen["headers"]["X-Forwarded-For"] == "127.0.0.1"


async def test_the_client_behind_a_proxy_in_front_is_passed_on(forwarded: tuple[Upstream, Any]) -> None:
    """Behind HAProxy the client is in the chain HAProxy sent: the service behind must see it, then the hop."""
    upstream, client = forwarded
    response = await client.get("/resolution/api/v1/echo", headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.status == 201
    assert upstream.seen["headers"]["X-Forwarded-For"] == "203.0.113.7, 127.0.0.1"


async def test_an_event_stream_passes_each_event_as_it_comes(forwarded: tuple[Upstream, Any]) -> None:
    upstream, client = forwarded
    async with client.get("/resolution/api/v1/stream") as response:
        assert response.headers["Content-Type"] == "text/event-stream"
        for name in ("poll.opened", "poll.turnout_changed"):
            await upstream.release.put(name)
            # the next event is only sent after this one arrived: a buffering proxy would hang here
            line = await asyncio.wait_for(response.content.readline(), 10)
            assert line == f"event: {name}\n".encode()
            assert await response.content.readline() == b"data: {}\n"
            assert await response.content.readline() == b"\n"


async def test_an_unreachable_service_is_a_502(env: dict[str, Any]) -> None:
    front = web.Application()
    same_origin.setup(front, {"notifier": "http://127.0.0.1:9"})
    async with TestClient(TestServer(front, host="127.0.0.1")) as client:
        response = await client.get("/notifier/api/v1/meetings/x/stream")
        assert response.status == 502
