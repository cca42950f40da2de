from __future__ import annotations

from pathlib import Path

from aiohttp import web

from resolution_svc import routes
from resolution_svc.casting import BallotCaster
from resolution_svc.consumers import PARTICIPANT_FACTS, meeting_event_handler, settle
from resolution_svc.openapi import OPENAPI
from resolution_svc.schedule import run_schedule
from resolution_svc.sealing import BallotKeys, read_ballot_key
from resolution_svc.settings import Settings
from resolution_svc.views import access, ballots
from schemas.subjects import MEETINGS
from servicekit import openapi
from servicekit.clock import Clock, utc_now
from servicekit.revocations import RevocationCheck
from servicekit.runtime import ConsumerSpec, Runtime, create_base_app
from servicekit.sessions import Window
from servicekit.tokens import TokenVerifier, read_key

SERVICE = "resolution"
SQL = Path(__file__).parent / "sql"


def create_app(settings: Settings, clock: Clock = utc_now) -> web.Application:
    async def schedule(runtime: Runtime) -> None:
        await run_schedule(runtime, settings.schedule_interval_s, settings.consistency_wait_s, clock)

    runtime = Runtime(
        settings=settings,
        service=SERVICE,
        sql=SQL,
        tasks=[schedule],
    )
    runtime.consumers.append(
        ConsumerSpec("meetings", MEETINGS, meeting_event_handler(runtime), settle=settle, bulk=PARTICIPANT_FACTS)
    )
    app = create_base_app(runtime)
    app[access.SETTINGS] = settings
    app[access.VERIFIER] = TokenVerifier(read_key(settings.token_public_key, "TOKEN_PUBLIC_KEY"))
    app[access.BALLOT_KEYS] = BallotKeys(read_ballot_key(settings.ballot_key))
    app[access.WINDOW] = Window.of(settings)
    app.middlewares.append(RevocationCheck(app[access.VERIFIER]).middleware)
    app.middlewares.append(access.current_state)
    app[ballots.POLL_FACTS] = {}
    app[ballots.POLL_KEYS] = {}
    app[ballots.CASTER] = BallotCaster()
    app[ballots.CLOSED_RECEIPTS] = {}
    routes.setup(app)
    openapi.serve(app, OPENAPI.document())
    return app
