"""The organiser and secretariat console: one shell page for every path under `/organiser`, its ES
modules under `web/console/` (no build step). The page holds no data; its script signs in and talks to
the three services' public APIs like any other client."""

from __future__ import annotations

import msgspec
from aiohttp import web

from meeting_svc.settings import Settings

SHELL = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Ban tổ chức · Organiser console</title>
<link rel="stylesheet" href="/web/app.css">
<link rel="stylesheet" href="/web/console/console.css">
<script type="application/json" id="config">{config}</script>
<script type="module" src="/web/console/app.js"></script>
</head>
<body class="console">
<a class="skip" href="#view">Bỏ qua điều hướng · Skip to content</a>
<header id="bar"></header>
<main id="app" tabindex="-1"><p class="muted">…</p></main>
<p id="announce" class="visually-hidden" aria-live="polite"></p>
</body>
</html>
"""


def shell(settings: Settings) -> str:
    config = msgspec.json.encode(
        {"resolutionApi": settings.resolution_url.rstrip("/"), "notifierApi": settings.notifier_url.rstrip("/")}
    ).decode()
    return SHELL.format(config=config.replace("<", "\\u003c"))


def setup(app: web.Application, settings: Settings) -> None:
    html = shell(settings)

    async def console_page(_: web.Request) -> web.Response:
        return web.Response(
            text=html,
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-cache", "Referrer-Policy": "no-referrer"},
        )

    app.router.add_get("/organiser", console_page)
    app.router.add_get("/organiser/{view:.*}", console_page)  # the script reads the path
