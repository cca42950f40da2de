"""The other services' APIs on the page's own origin: `/resolution/...` and `/notifier/...` are
forwarded to RESOLUTION_URL and NOTIFIER_URL, so the participant page makes no cross-origin request
(no CORS preflight per new poll URL). Streamed both ways (the live stream's Server-Sent Events pass
through as they come); end-to-end headers passed, hop-by-hop ones dropped. In production a
path-routing load balancer may do the same in front of the three services (docs/operations.md)."""

from __future__ import annotations

import aiohttp
from aiohttp import web
from multidict import CIMultiDict, MultiMapping

# RFC 9110 §7.6.1, plus Host (the upstream's own) and Content-Length (recomputed when streaming)
HOP_BY_HOP = frozenset(
    h.lower()
    for h in (
        "Connection",
        "Keep-Alive",
        "Proxy-Authenticate",
        "Proxy-Authorization",
        "Proxy-Connection",
        "TE",
        "Trailer",
        "Transfer-Encoding",
        "Upgrade",
        "Host",
    )
)
# meeting_svc's own: the organiser's session cookie opens nothing elsewhere and is not handed on
NOT_FORWARDED = frozenset({"cookie"})
UPSTREAMS = web.AppKey("proxy_upstreams", dict)
SESSION = web.AppKey("proxy_session", aiohttp.ClientSession)


def end_to_end(headers: MultiMapping[str], *, keep_length: bool = True) -> CIMultiDict[str]:
    named = {v.strip().lower() for v in headers.get("Connection", "").split(",") if v.strip()}
    out: CIMultiDict[str] = CIMultiDict()
    for key, value in headers.items():
        lowered = key.lower()
        if lowered in HOP_BY_HOP or lowered in named or (not keep_length and lowered == "content-length"):
            continue
        out.add(key, value)
    return out


async def forward(request: web.Request) -> web.StreamResponse:
    base = request.app[UPSTREAMS][request.match_info["service"]]
    url = f"{base}/{request.match_info['tail']}"
    headers = end_to_end(request.headers)
    for name in NOT_FORWARDED:
        headers.popall(name, None)
    # the chain so far (a proxy in front of meeting_svc appended the client), then the hop it came from:
    # the service behind reads the client from it as far as it trusts the hops (servicekit/clients.py)
    chain = [*request.headers.getall("X-Forwarded-For", []), request.remote or ""]
    headers["X-Forwarded-For"] = ", ".join(hop for hop in chain if hop)
    headers["X-Forwarded-Proto"] = request.scheme
    headers["X-Forwarded-Host"] = request.host
    body = request.content if request.body_exists else None
    try:
        upstream = await request.app[SESSION].request(
            request.method, url, params=request.query, headers=headers, data=body, allow_redirects=False
        )
    except aiohttp.ClientError as exc:
        raise web.HTTPBadGateway(text=f"{request.match_info['service']} unreachable: {type(exc).__name__}") from None
    async with upstream:
        response = web.StreamResponse(status=upstream.status, reason=upstream.reason)
        response.headers.update(end_to_end(upstream.headers, keep_length=False))
        if upstream.headers.get("Content-Length") and not upstream.headers.get("Transfer-Encoding"):
            response.content_length = int(upstream.headers["Content-Length"])
        await response.prepare(request)
        async for chunk in upstream.content.iter_any():
            await response.write(chunk)  # at once: an SSE event must not wait for the next
        await response.write_eof()
    return response


def setup(app: web.Application, upstreams: dict[str, str]) -> None:
    app[UPSTREAMS] = {name: url.rstrip("/") for name, url in upstreams.items()}

    async def open_session(app: web.Application) -> None:
        # no total timeout: the live stream stays open for hours; bytes pass through undecoded
        app[SESSION] = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=5),
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def close_session(app: web.Application) -> None:
        await app[SESSION].close()

    app.on_startup.append(open_session)
    app.on_cleanup.append(close_session)
    names = "|".join(upstreams)
    app.router.add_route("*", f"/{{service:{names}}}/{{tail:.*}}", forward)
