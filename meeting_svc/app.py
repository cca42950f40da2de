from __future__ import annotations

import asyncio
from pathlib import Path

import structlog
from aiohttp import web

from meeting_svc import access, credentials, routes
from meeting_svc.accounts import db as accounts_db
from meeting_svc.addresses import fill_email_keys
from meeting_svc.contributions import db as contributions_db
from meeting_svc.events import number_events
from meeting_svc.openapi import OPENAPI
from meeting_svc.organisation.announce import announce_earlier_departments
from meeting_svc.people import db as people_db
from meeting_svc.positions import answer_positions
from meeting_svc.record.minutes.consumer import keep_decisions
from meeting_svc.room.screen_polls import apply_poll_event
from meeting_svc.settings import Settings
from meeting_svc.site import console, pages, signin_page
from schemas import events as ev
from schemas.bus import enqueue
from schemas.codec import new_event
from schemas.events import Event
from schemas.subjects import DELIVERIES, RESOLUTIONS
from servicekit import openapi, pg
from servicekit.clock import Clock, utc_now
from servicekit.revocations import share_revocations
from servicekit.runtime import ConsumerSpec, Runtime, create_base_app
from servicekit.sealed import read_seal_key
from servicekit.sessions import Window
from servicekit.tokens import TokenSigner, TokenVerifier, public_of, read_key

SERVICE = "meeting"
SQL = Path(__file__).parent / "sql"
log = structlog.get_logger("meeting.overdue")


async def announce_overdue(runtime: Runtime, settings: Settings, clock: Clock = utc_now) -> None:
    """Emit `contribution.overdue` once per (request, department) whose deadline passed without a report,
    judged at `clock()`."""
    while True:
        try:
            async with runtime.db().acquire() as conn, conn.transaction():
                rows = await contributions_db.newly_overdue(conn, clock())
                events = await number_events(
                    conn,
                    [
                        new_event(
                            ev.ContributionOverdue,
                            meeting_id=r["meeting_id"],
                            request_id=r["request_id"],
                            department_id=r["department_id"],
                            deadline=r["deadline"],
                        )
                        for r in rows
                    ],
                )
                await enqueue(conn, runtime.subjects, *events)
        except Exception as exc:  # the next round retries; a passing outage must not end the task
            log.warning("overdue check failed", error=repr(exc))
        await asyncio.sleep(settings.overdue_interval_s)


SWEEP_INTERVAL_S = 3600.0


async def sweep_sign_ins(runtime: Runtime, clock: Clock) -> None:
    """Hourly, forget sign-in records that can no longer matter (accounts/db.py)."""
    while True:
        try:
            await accounts_db.sweep(runtime.db(), clock())
        except Exception as exc:  # the next round retries; a passing outage must not end the task
            log.warning("sign-in sweep failed", error=repr(exc))
        await asyncio.sleep(SWEEP_INTERVAL_S)


async def key_addresses(runtime: Runtime) -> None:
    """At start, and hourly after (rows an older replica wrote during an upgrade), give every organiser's and
    participant's address the key it is looked up and kept unique by, where it has none (the migration
    keyed the plain ASCII ones)."""
    while True:
        try:
            async with runtime.db().acquire() as conn:
                filled = await fill_email_keys(conn, "organisers") + await fill_email_keys(conn, "participants")
            if filled:
                log.info("email keys filled in", rows=filled)
        except Exception as exc:  # the next round retries; a passing outage must not end the task
            log.warning("email keys not filled in", error=repr(exc))
        await asyncio.sleep(SWEEP_INTERVAL_S)


async def learn_from_resolutions(conn: pg.Connection, event: Event) -> None:
    """What meeting_svc keeps of resolution_svc's events, through one consumer: the polls for the room's
    screen (the vote in progress, the last result) and the decisions for the minutes."""
    await apply_poll_event(conn, event)
    await keep_decisions(conn, event)


async def learn_from_deliveries(conn: pg.Connection, event: Event) -> None:
    """What the notifier tells of the emails it was asked to send: an invitation that did not arrive."""
    if isinstance(event, ev.InvitationBounced):
        await people_db.mark_invitation_bounced(
            conn, event.participant_id, event.invitation_id, event.reason, event.occurred_at
        )


def create_app(settings: Settings, clock: Clock = utc_now) -> web.Application:
    async def overdue(runtime: Runtime) -> None:
        await announce_overdue(runtime, settings, clock)

    async def revocations(runtime: Runtime) -> None:
        await share_revocations(runtime, accounts_db.revoked_since)

    async def sweep(runtime: Runtime) -> None:
        await sweep_sign_ins(runtime, clock)

    runtime = Runtime(
        settings=settings,
        service=SERVICE,
        sql=SQL,
        tasks=[key_addresses, overdue, revocations, answer_positions, sweep, announce_earlier_departments],
        consumers=[
            ConsumerSpec("resolutions", RESOLUTIONS, learn_from_resolutions),
            ConsumerSpec("deliveries", DELIVERIES, learn_from_deliveries),
        ],
    )
    app = create_base_app(runtime)
    app[access.SETTINGS] = settings
    app[access.WINDOW] = Window.of(settings)
    app[access.MEETING_OWNERS] = {}
    app[access.CLOCK] = clock
    app.middlewares.append(access.meeting_scope)
    private = read_key(settings.token_private_key, "TOKEN_PRIVATE_KEY")
    public = public_of(private)
    if settings.token_public_key:
        public = read_key(settings.token_public_key, "TOKEN_PUBLIC_KEY")
    app[access.VERIFIER] = TokenVerifier(public)
    app[access.SIGNER] = TokenSigner(private)
    if settings.invite_seal_public_key:
        app[credentials.INVITE_SEAL] = read_seal_key(settings.invite_seal_public_key, "INVITE_SEAL_PUBLIC_KEY")
    else:
        log.warning("INVITE_SEAL_PUBLIC_KEY is not set: invitation emails will carry no personal link")
    routes.setup(app)
    assets, imported = pages.setup(app, settings)
    signin_page.setup(app, assets)
    console.setup(app, assets, imported)
    openapi.serve(app, OPENAPI.document())
    return app
