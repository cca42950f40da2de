"""The organiser and secretariat console: one shell page for every path under `/organiser`, its ES
modules under `web/console/` (no build step), served from the web client's versioned assets. The page
holds no data; its script signs in and talks to the three services' public APIs like any other client
(the other two through this origin, as the participant page does)."""

from __future__ import annotations

from aiohttp import web

from meeting_svc.site import assets as webassets
from meeting_svc.site.pages import CONFIG

SHELL = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Ban tổ chức · Organiser console</title>
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<link rel="stylesheet" href="{assets}app.css">
<link rel="stylesheet" href="{assets}console/console.css">
{preloads}
<script type="application/json" id="config">{config}</script>
<script type="module" src="{assets}console/app.js"></script>
</head>
<body class="console">
<a class="skip" href="#view">Bỏ qua điều hướng · Skip to content</a>
<header id="bar"></header>
<main id="app" tabindex="-1"><p class="muted">…</p></main>
<p id="announce" class="visually-hidden" aria-live="polite"></p>
</body>
</html>
"""


def shell(assets: str, imported: dict[str, list[str]]) -> str:
    # the console's modules and the shared ones it imports, fetched at once
    modules = webassets.graph(imported, "console/app.js")
    preloads = "\n".join(f'<link rel="modulepreload" href="{assets}{name}">' for name in modules)
    return SHELL.format(assets=assets, preloads=preloads, config=CONFIG)


def setup(app: web.Application, assets: str, imported: dict[str, list[str]]) -> None:
    html = shell(assets, imported)

    async def console_page(_: web.Request) -> web.Response:
        return web.Response(
            text=html,
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-cache", "Referrer-Policy": "no-referrer"},
        )

    app.router.add_get("/organiser", console_page)
    app.router.add_get("/organiser/{view:.*}", console_page)  # the script reads the path
