"""The organisers' sign-in page (`/login`: password, forgotten password, a reset link, single sign-on when
configured) and `/`, which leads to the console when signed in and to the sign-in page otherwise. The
page is a static shell; its script (web/signin.js) talks to the `/auth/` routes."""

from __future__ import annotations

import msgspec
from aiohttp import web

from meeting_svc.access import CLOCK, SETTINGS, pool
from meeting_svc.accounts import db as accounts_db
from meeting_svc.accounts import rules as accounts_rules
from meeting_svc.accounts.rules import CONSOLE_PATH

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Đăng nhập · Sign in — Hội nghị</title>
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<link rel="stylesheet" href="{assets}app.css">
<script type="application/json" id="config">{config}</script>
<script type="module" src="{assets}signin.js"></script>
</head>
<body>
<main id="app"><p class="muted">…</p></main>
</body>
</html>
"""

HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


def setup(app: web.Application, assets: str) -> None:
    """`assets`: the versioned prefix of the web client's files (site/assets.py)."""
    settings = app[SETTINGS]
    sso = bool(settings.oidc_issuer and settings.oidc_client_id)
    config = msgspec.json.encode({"console": CONSOLE_PATH, "sso": sso}).decode().replace("<", "\\u003c")
    html = PAGE.format(config=config, assets=assets)
    name = accounts_rules.cookie_name(settings.public_url)

    async def login_page(_: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html", charset="utf-8", headers=HEADERS)

    async def home(request: web.Request) -> web.Response:
        session_id = request.cookies.get(name)
        signed_in = bool(session_id) and await accounts_db.live_session(
            pool(request), session_id or "", request.app[CLOCK]()
        )
        raise web.HTTPFound(CONSOLE_PATH if signed_in else "/login")

    app.router.add_get("/login", login_page)
    app.router.add_get("/", home)
