"""`python -m meeting_svc.openapi` writes docs/openapi-meeting.yaml from the routes' Structs."""

from __future__ import annotations

from meeting_svc.routes import OPERATIONS
from servicekit.openapi import ServiceDocument

OPENAPI = ServiceDocument(
    "openapi-meeting.yaml",
    "Hội nghị meeting_svc",
    "Meetings, agenda, departments, participants and their invitations, attendance, proxies and department"
    " position reports. Organisers use API tokens scoped to their organisation; participants use the session"
    " token their personal invite link yields (POST /api/v1/sessions).",
    [op for op, _ in OPERATIONS],
)

if __name__ == "__main__":
    OPENAPI.write()
