"""The participant web client: one page per meeting (`/meetings/{id}`, and `/meetings/{id}/projector`
for the room's screen, or `/display` opened with a display link) and its static script and style. The
page knows no participant; the script signs in with the invite code it is handed in the URL fragment
(never sent to a server), then talks to the three services' APIs, all on this origin (the other two
through `same_origin`)."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web
from aiohttp.typedefs import Handler

from meeting_svc.settings import Settings
from meeting_svc.site import assets as webassets
from meeting_svc.site import same_origin

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Hội nghị · Meeting</title>
<link rel="icon" href="{icon}" type="image/svg+xml">
<link rel="stylesheet" href="{assets}app.css">
<link rel="stylesheet" href="{assets}room.css">
{preloads}
<script type="application/json" id="config">{config}</script>
<script type="module" src="{assets}{entry}"></script>
</head>
<body>
<main id="app"><p class="muted">…</p></main>
{early}</body>
</html>
"""

# The page's config: the other services' APIs are under these paths of this origin.
CONFIG = '{"resolutionApi": "/resolution", "notifierApi": "/notifier"}'
# Signs in and asks for the first screen as soon as it and its few imports arrive, while the views are
# still downloading (async: it runs when ready, not after the document's scripts; at the end of the
# body, so the page's elements are there when it runs).
SIGN_IN = "lib/session.js"
# the participant app's entry and the views only its projector and desk pages load (web/participant/)
PARTICIPANT = "participant/app.js"
PROJECTOR = "participant/projector.js"
DESK = "participant/desk.js"
ICON_SVG = (webassets.ASSETS / "favicon.svg").read_bytes()
# in the page, not one more request while the first screen's are under way
ICON = "data:image/svg+xml," + quote(ICON_SVG)


def page(assets: str, imported: dict[str, list[str]], entry: str, *views: str) -> str:
    """The shell of a page whose script is `entry`, with the views it imports on that page only. Every
    module of the page is preloaded (those signing in first), so the browser fetches them all at once,
    not one level of imports after another."""
    modules = webassets.graph(imported, entry, *views)
    early = webassets.graph(imported, SIGN_IN) if SIGN_IN in modules else []
    # Over HTTP/1.1 a browser opens six connections to an origin and some twenty files queue for them:
    # the rest wait behind the sign-in's files and its two requests (low priority), not the other way.
    preloads = "\n".join(
        [f'<link rel="modulepreload" href="{assets}{name}">' for name in early]
        + [f'<link rel="modulepreload" fetchpriority="low" href="{assets}{n}">' for n in modules if n not in early]
    )
    script = f'<script type="module" async src="{assets}{SIGN_IN}"></script>\n' if early else ""
    return PAGE.format(assets=assets, icon=ICON, preloads=preloads, config=CONFIG, entry=entry, early=script)


def content_security_policy() -> str:
    """No inline script, nothing from elsewhere: the APIs are all on this origin; images only from
    here or inline data (a report's outside images are dropped when it is sanitised)."""
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def setup(app: web.Application, settings: Settings) -> tuple[str, dict[str, list[str]]]:
    """Returns the assets' versioned prefix and the modules' imports, for the other pages served from them
    (the console)."""
    assets, imported = webassets.setup(app)
    participant_html = page(assets, imported, PARTICIPANT)
    projector_html = page(assets, imported, PARTICIPANT, PROJECTOR)
    desk_html = page(assets, imported, PARTICIPANT, DESK)
    # the room's screen of a display link: its own entry (the code stays in the fragment)
    display_html = page(assets, imported, "display.js")
    policy = content_security_policy()
    same_origin.setup(app, {"resolution": settings.resolution_url, "notifier": settings.notifier_url})

    async def protect(_: web.Request, response: web.StreamResponse) -> None:
        # every page meeting_svc serves gets a policy, whatever handler made it (error pages included)
        if response.content_type == "text/html" and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = policy

    app.on_response_prepare.append(protect)

    def shell(html: str) -> Handler:
        async def serve(_: web.Request) -> web.Response:
            # the shell is never cached without asking: it names the current version of the files
            return web.Response(
                text=html,
                content_type="text/html",
                charset="utf-8",
                headers={"Cache-Control": "no-cache", "Referrer-Policy": "no-referrer"},
            )

        return serve

    async def favicon(_: web.Request) -> web.Response:
        # Browsers ask every page's origin for /favicon.ico; an SVG answers for the invitation pages too.
        return web.Response(
            body=ICON_SVG, content_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
        )

    # Not `{meeting_id}`: the page is the same shell for any meeting, served without a token.
    app.router.add_get("/meetings/{page}", shell(participant_html))
    app.router.add_get("/meetings/{page}/projector", shell(projector_html))  # the script tells the views apart
    app.router.add_get("/meetings/{page}/desk", shell(desk_html))
    app.router.add_get("/display", shell(display_html))
    app.router.add_get("/favicon.ico", favicon)
    return assets, imported
