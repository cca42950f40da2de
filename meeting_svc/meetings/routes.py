"""The routes of meetings, their lifecycle, notification policy and agenda, with their OpenAPI
description; meeting_svc/routes.py joins them into the service's list."""

from __future__ import annotations

from meeting_svc.meetings import agenda, api, notices, views
from servicekit.http import Handler
from servicekit.openapi import Operation

M = "/api/v1/meetings"
ONE = M + "/{meeting_id}"
AGENDA = ONE + "/agenda"
CREATE = ("Idempotency-Key",)
EDIT = ("If-Match",)
DUPLICATE_DOC = (
    "Copies the description, venue, online link and agenda, and (unless `participants` is false) the people with"
    " their departments, roles, weights and languages, each with a new invite link; RSVPs, attendance, reports,"
    " resolutions and votes stay with the original. The copy is a draft: nothing is emailed until it is scheduled."
)

OPERATIONS: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "POST",
            M,
            "Create a meeting (draft)",
            "meetings",
            request=api.MeetingCreate,
            response=api.Meeting,
            status=201,
            errors=(400, 401, 403, 422),
            headers=CREATE,
        ),
        views.create_meeting,
    ),
    (
        Operation(
            "GET",
            M,
            "The organisation's meetings",
            "meetings",
            response=api.MeetingList,
            query={
                "status": "draft|scheduled|in_progress|ended|cancelled",
                "from": "RFC 3339: ending at or after",
                "to": "RFC 3339: starting before",
                "limit": "1-500",
            },
        ),
        views.list_meetings,
    ),
    (
        Operation("GET", ONE, "A meeting with its agenda", "meetings", response=api.Meeting),
        views.get_meeting,
    ),
    (
        Operation(
            "POST",
            ONE + "/duplicate",
            "A new draft from this meeting as a template",
            "meetings",
            request=api.MeetingDuplicate,
            response=api.Meeting,
            status=201,
            errors=(400, 401, 403, 404, 422),
            headers=CREATE,
            description=DUPLICATE_DOC,
        ),
        views.duplicate_meeting,
    ),
    (
        Operation(
            "PATCH",
            ONE,
            "Edit a meeting; moving a scheduled one emits meeting.rescheduled",
            "meetings",
            request=api.MeetingPatch,
            response=api.Meeting,
            errors=(400, 401, 403, 404, 409, 412, 422),
            headers=EDIT,
        ),
        views.patch_meeting,
    ),
    *(
        (
            Operation(
                "POST",
                f"{ONE}/{action}",
                f"Lifecycle: {action}",
                "meetings",
                request=api.Transition if action == "cancel" else None,
                body_required=False,  # a cancellation's reason is optional, and so is its body
                response=api.Meeting,
                errors=(401, 403, 404, 409, 412),
                headers=EDIT,
                description="A forbidden transition is 409 with `current_status`.",
            ),
            views.transition(action),
        )
        for action in ("schedule", "start", "end", "cancel")
    ),
    (
        Operation(
            "GET",
            ONE + "/notification-policy",
            "Which emails the meeting sends, to whom and how (organiser, chair, secretary)",
            "meetings",
            response=api.NotificationPolicy,
            errors=(401, 403, 404),
        ),
        notices.get_policy,
    ),
    (
        Operation(
            "PUT",
            ONE + "/notification-policy",
            "Set the notification policy (organiser)",
            "meetings",
            request=api.NotificationPolicyIn,
            response=api.NotificationPolicy,
            errors=(400, 401, 403, 404, 409, 412, 422),
            headers=EDIT,
            description="Per kind of notice (reminder, contribution, poll_opened, result, directive): `audience`"
            " all, representatives (department representatives and the chair; for a directive, the representatives"
            " of the departments and blocks responsible) or nobody, and `delivery` immediate or digest (one email a"
            " day). A kind left out follows its default: no poll_opened email for a meeting held in one room (a"
            " venue, no online link), directives to the representatives responsible. Invitations always go."
            " Publishes meeting.updated carrying the policy.",
        ),
        notices.put_policy,
    ),
    (Operation("GET", AGENDA, "The agenda", "agenda", response=api.Agenda), agenda.get_agenda),
    (
        Operation(
            "POST",
            AGENDA,
            "Add an agenda item",
            "agenda",
            response=api.Agenda,
            request=api.AgendaItemCreate,
            status=201,
            errors=(400, 401, 403, 404, 409, 412, 422),
            headers=CREATE + EDIT,
        ),
        agenda.add_agenda_item,
    ),
    (
        Operation(
            "PUT",
            AGENDA + "/order",
            "Reorder the agenda atomically",
            "agenda",
            response=api.Agenda,
            request=api.AgendaOrder,
            errors=(400, 401, 403, 404, 409, 412, 422),
            headers=EDIT,
        ),
        agenda.reorder_agenda,
    ),
    (
        Operation(
            "PATCH",
            AGENDA + "/{item_id}",
            "Edit an agenda item",
            "agenda",
            response=api.Agenda,
            request=api.AgendaItemPatch,
            errors=(400, 401, 403, 404, 409, 412, 422),
            headers=EDIT,
        ),
        agenda.patch_agenda_item,
    ),
    (
        Operation(
            "DELETE",
            AGENDA + "/{item_id}",
            "Remove an agenda item",
            "agenda",
            response=api.Agenda,
            errors=(401, 403, 404, 409, 412),
            headers=EDIT,
        ),
        agenda.remove_agenda_item,
    ),
]
