"""The participant web client: one page per meeting (`/meetings/{id}`, and `/meetings/{id}/projector`
for the room's screen, or `/display` opened with a display link) and its static script and style. The
page knows no participant; the script signs in with the invite code it is handed in the URL fragment
(never sent to a server), then talks to the three services' APIs, all on this origin (the other two
through `proxy`)."""

from __future__ import annotations

from aiohttp import web

from meeting_svc import proxy, webassets
from meeting_svc.settings import Settings

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Hội nghị · Meeting</title>
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<link rel="stylesheet" href="{assets}app.css">
<link rel="stylesheet" href="{assets}room.css">
<link rel="modulepreload" href="{assets}app.js">
{preloads}
<script type="application/json" id="config">{config}</script>
<script type="module" src="{assets}app.js"></script>
</head>
<body>
<main id="app"><p class="muted">…</p></main>
</body>
</html>
"""

# The page's config: the other services' APIs are under these paths of this origin.
CONFIG = '{"resolutionApi": "/resolution", "notifierApi": "/notifier"}'


def page(assets: str, modules: list[str]) -> str:
    # every module the entry imports is fetched at once, not one level of imports after another
    preloads = "\n".join(f'<link rel="modulepreload" href="{assets}{name}">' for name in modules)
    return PAGE.format(assets=assets, preloads=preloads, config=CONFIG)


def content_security_policy() -> str:
    """No inline script, nothing from elsewhere: the APIs are all on this origin; images only from
    here or inline data (a report's outside images are dropped when it is sanitised)."""
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def setup(app: web.Application, settings: Settings) -> tuple[str, list[str]]:
    """Returns the assets' versioned prefix and names, for the other pages served from them (the console)."""
    assets, files = webassets.setup(app)
    # the console's modules are the console page's to preload, not the participant's; the display page has
    # its own entry; vendored libraries load only where needed (the desk's QR decoder)
    modules = [
        name
        for name in files
        if name.endswith(".js")
        and name not in ("app.js", "display.js")
        and not name.startswith(("console/", "vendor/"))
    ]
    html = page(assets, modules)
    # the room's screen of a display link: the same shell with its own entry (the code stays in the fragment)
    display_html = html.replace(f"{assets}app.js", f"{assets}display.js")
    policy = content_security_policy()
    proxy.setup(app, {"resolution": settings.resolution_url, "notifier": settings.notifier_url})

    async def protect(_: web.Request, response: web.StreamResponse) -> None:
        # every page meeting_svc serves gets a policy, whatever handler made it (error pages included)
        if response.content_type == "text/html" and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = policy

    app.on_response_prepare.append(protect)

    async def meeting_page(_: web.Request) -> web.Response:
        # the shell is never cached without asking: it names the current version of the files
        return web.Response(
            text=html,
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-cache", "Referrer-Policy": "no-referrer"},
        )

    async def display_page(_: web.Request) -> web.Response:
        return web.Response(
            text=display_html,
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-cache", "Referrer-Policy": "no-referrer"},
        )

    icon = (webassets.ASSETS / "favicon.svg").read_bytes()

    async def favicon(_: web.Request) -> web.Response:
        # Browsers ask every page's origin for /favicon.ico; an SVG answers for the invitation pages too.
        return web.Response(body=icon, content_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})

    # Not `{meeting_id}`: the page is the same shell for any meeting, served without a token.
    app.router.add_get("/meetings/{page}", meeting_page)
    app.router.add_get("/meetings/{page}/projector", meeting_page)  # the script tells the views apart
    app.router.add_get("/meetings/{page}/desk", meeting_page)
    app.router.add_get("/display", display_page)
    app.router.add_get("/favicon.ico", favicon)
    return assets, files
