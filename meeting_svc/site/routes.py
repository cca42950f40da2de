"""The site's API routes with their OpenAPI description: a participant's session for an invite code and
the participant page's first screen; meeting_svc/routes.py joins them into the service's list."""

from __future__ import annotations

from meeting_svc.site import api, bootstrap, sessions
from servicekit.http import Handler
from servicekit.openapi import Operation

M = "/api/v1/meetings"
ONE = M + "/{meeting_id}"

SESSIONS: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "POST",
            "/api/v1/sessions",
            "Exchange an invite code for a participant session token",
            "participants",
            request=api.SessionCreate,
            response=api.Session,
            status=201,
            errors=(400, 404, 410, 422),
            auth=None,
        ),
        sessions.create_session,
    ),
]

FIRST_SCREEN: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "GET",
            ONE + "/bootstrap",
            "A participant page's first screen in one answer (the meeting, oneself, reports; polls, results"
            " and directives from resolution_svc)",
            "meetings",
            response=api.Bootstrap,
            errors=(401, 403, 404),
        ),
        bootstrap.get_bootstrap,
    ),
]
