from __future__ import annotations

from pathlib import Path

from aiohttp import web

from notifier import access, routes
from notifier.consumers import EventHandler
from notifier.emails import settings_page
from notifier.emails.reminders import reminders
from notifier.emails.send import Mailer
from notifier.live import views as live_views
from notifier.live.stream import Hub
from notifier.openapi import OPENAPI
from notifier.settings import Settings
from notifier.webhooks import views
from notifier.webhooks.delivery import Dispatcher, guard_of
from schemas.subjects import MEETINGS, RESOLUTIONS
from servicekit import openapi
from servicekit.revocations import RevocationCheck
from servicekit.runtime import ConsumerSpec, Runtime, create_base_app
from servicekit.sessions import Window

SERVICE = "notifier"
SQL = Path(__file__).parent / "sql"


def create_app(settings: Settings) -> web.Application:
    handler = EventHandler(settings)
    dispatcher = Dispatcher(settings)
    mailer = Mailer(settings)
    hub = Hub(settings.sse_client_buffer)

    async def webhooks(runtime: Runtime) -> None:
        await dispatcher.run(runtime)

    async def email(runtime: Runtime) -> None:
        await mailer.run(runtime)

    async def reminder_schedule(runtime: Runtime) -> None:
        await reminders(runtime, settings)

    async def live_stream(runtime: Runtime) -> None:
        await hub.run(runtime)

    runtime = Runtime(
        settings=settings,
        service=SERVICE,
        sql=SQL,
        consumers=[
            ConsumerSpec("meetings", MEETINGS, handler, settle=handler.settle, bulk=handler.bulk),
            ConsumerSpec("resolutions", RESOLUTIONS, handler),
        ],
        tasks=[webhooks, email, reminder_schedule, live_stream],
    )
    app = create_base_app(runtime)
    app[access.SETTINGS] = settings
    app[access.WINDOW] = Window.of(settings)
    app[access.VERIFIER] = access.verifier_of(settings)
    app.middlewares.append(RevocationCheck(app[access.VERIFIER]).middleware)
    app.middlewares.append(access.current_state)
    app[views.GUARD] = guard_of(settings)
    app[live_views.HUB] = hub
    app[live_views.ADMISSION] = live_views.StreamAdmission.of(settings, runtime.clients)
    app[settings_page.LINK_KEY] = mailer.link_key

    async def close_streams(_: web.Application) -> None:
        await hub.stop()

    # Open streams end first, so a graceful shutdown does not wait for clients to hang up.
    app.on_shutdown.append(close_streams)
    routes.setup(app)
    openapi.serve(app, OPENAPI.document())
    return app
