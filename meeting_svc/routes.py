"""meeting_svc's routes and their OpenAPI description: one list joined from the packages' lists, so
routes and document cannot drift. The order is the published document's (docs/openapi-meeting.yaml
lists paths in the order first met), which is why three packages give more than one list."""

from __future__ import annotations

from aiohttp import web

from meeting_svc.accounts import routes as accounts_routes
from meeting_svc.accounts import single_sign_on
from meeting_svc.contributions import routes as contributions_routes
from meeting_svc.meetings import routes as meetings_routes
from meeting_svc.organisation import routes as organisation_routes
from meeting_svc.people import routes as people_routes
from meeting_svc.record import routes as record_routes
from meeting_svc.room import routes as room_routes
from meeting_svc.site import routes as site_routes
from servicekit.http import Handler
from servicekit.openapi import Operation

OPERATIONS: list[tuple[Operation, Handler]] = [
    *organisation_routes.OPERATIONS,
    *meetings_routes.OPERATIONS,
    *people_routes.PARTICIPANTS,
    *site_routes.SESSIONS,
    *people_routes.ATTENDANCE,
    *contributions_routes.REPORTS,
    *site_routes.FIRST_SCREEN,
    *contributions_routes.STATUS,
    *accounts_routes.OPERATIONS,
    *room_routes.OPERATIONS,
    *people_routes.DESK,
    *record_routes.OPERATIONS,
]


def setup(app: web.Application) -> None:
    for op, handler in OPERATIONS:
        app.router.add_route(op.method, op.path, handler)
    people_routes.setup(app)
    single_sign_on.setup(app)
    record_routes.setup(app)
