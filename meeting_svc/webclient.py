"""The participant web client: one page per meeting (`/meetings/{id}`, and `/meetings/{id}/projector`
for the room's screen) and its static script and style. The page knows no participant; the script
signs in with the invite code it is handed in the URL fragment (never sent to a server), then talks
to the three services' APIs."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import msgspec
from aiohttp import web

from meeting_svc.settings import Settings

ASSETS = Path(__file__).parent / "web"

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Hội nghị · Meeting</title>
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<link rel="stylesheet" href="/web/app.css">
<script type="application/json" id="config">{config}</script>
<script type="module" src="/web/app.js"></script>
</head>
<body>
<main id="app"><p class="muted">…</p></main>
</body>
</html>
"""


def page(settings: Settings) -> str:
    config = msgspec.json.encode(
        {"resolutionApi": settings.resolution_url.rstrip("/"), "notifierApi": settings.notifier_url.rstrip("/")}
    ).decode()
    # JSON inside <script> must not close the element; escaping '<' keeps it inert.
    return PAGE.format(config=config.replace("<", "\\u003c"))


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(settings: Settings) -> str:
    """No inline script, nothing from elsewhere but the two APIs the client calls; images only from here
    or inline data (a report's outside images are dropped when it is sanitised)."""
    apis = " ".join(sorted({origin(settings.resolution_url), origin(settings.notifier_url)}))
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        f" connect-src 'self' {apis}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def setup(app: web.Application, settings: Settings) -> None:
    html = page(settings)
    policy = content_security_policy(settings)

    async def protect(_: web.Request, response: web.StreamResponse) -> None:
        # every page meeting_svc serves gets a policy, whatever handler made it (error pages included)
        if response.content_type == "text/html" and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = policy

    app.on_response_prepare.append(protect)

    async def meeting_page(_: web.Request) -> web.Response:
        return web.Response(
            text=html,
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-cache", "Referrer-Policy": "no-referrer"},
        )

    # Not `{meeting_id}`: the page is the same shell for any meeting, served without a token.
    app.router.add_get("/meetings/{page}", meeting_page)
    app.router.add_get("/meetings/{page}/projector", meeting_page)  # the script tells the views apart
    icon = (ASSETS / "favicon.svg").read_bytes()

    async def favicon(_: web.Request) -> web.Response:
        # Browsers ask every page's origin for /favicon.ico; an SVG answers for the invitation pages too.
        return web.Response(body=icon, content_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})

    app.router.add_get("/favicon.ico", favicon)
    app.router.add_static("/web/", ASSETS, append_version=False)
