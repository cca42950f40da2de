"""meeting_svc's routes and their OpenAPI description (one list, so they cannot drift)."""

from __future__ import annotations

from aiohttp import web

from meeting_svc.accounts import routes as accounts_routes
from meeting_svc.accounts import single_sign_on
from meeting_svc.contributions import api as contributions_api
from meeting_svc.contributions import views as contributions_views
from meeting_svc.meetings import agenda, notices
from meeting_svc.meetings import api as meetings_api
from meeting_svc.meetings import views as meetings_views
from meeting_svc.organisation import api as organisation_api
from meeting_svc.organisation import views as organisation_views
from meeting_svc.people import api as people_api
from meeting_svc.people import attendance, invitations, join, join_files, participants
from meeting_svc.record import calendar_feeds
from meeting_svc.record.routes import RECORD_OPERATIONS
from meeting_svc.room.routes import MOTION_OPERATIONS, ROOM_OPERATIONS
from meeting_svc.site import api as site_api
from meeting_svc.site import bootstrap, sessions
from servicekit.openapi import Operation

M = "/api/v1/meetings"
ONE = M + "/{meeting_id}"
AGENDA = ONE + "/agenda"
PEOPLE = ONE + "/participants"
PERSON = PEOPLE + "/{participant_id}"
REQUESTS = ONE + "/contribution-requests"
REQUEST = REQUESTS + "/{request_id}"
SUBMISSION = REQUEST + "/submissions/{submission_id}"
CREATE = ("Idempotency-Key",)
EDIT = ("If-Match",)
IMPORT_DOC = (
    "UTF-8 (a BOM is fine), header `name,email,department,role,weight,language`; department by code or name."
    " On any bad row: 422 with `errors: [{row, field, detail}]` and nothing created."
)
DUPLICATE_DOC = (
    "Copies the description, venue, online link and agenda, and (unless `participants` is false) the people with"
    " their departments, roles, weights and languages, each with a new invite link; RSVPs, attendance, reports,"
    " resolutions and votes stay with the original. The copy is a draft: nothing is emailed until it is scheduled."
)
PEOPLE_QUERY = {
    "q": "part of the name (or of the email, for those who see emails)",
    "department_id": "a department, or a block with its departments",
    "role": "chair|secretary|voting_member|department_representative|observer",
    "rsvp": "attending|declined|tentative|none",
    "present": "true|false",
    "invitation": "not_sent|sent|bounced|opened|revoked, as the console shows it (organisers only)",
    "sort": "name|-name|department|role|rsvp|present",
    "limit": "1-2000 (default: all)",
    "offset": "rows to skip",
}
SUBMIT_DOC = (
    "Markdown body, rendered sanitised into `body_html`. After the deadline: 409 unless the request allows late"
    " reports (then flagged `late`)."
)

OPERATIONS: list[tuple[Operation, object]] = [
    (
        Operation(
            "POST",
            "/api/v1/departments",
            "Create a block or a department",
            "departments",
            request=organisation_api.DepartmentCreate,
            response=organisation_api.Department,
            status=201,
            errors=(400, 401, 403, 409, 422),
            headers=CREATE,
        ),
        organisation_views.create_department,
    ),
    (
        Operation(
            "GET",
            "/api/v1/departments",
            "The organisation's departments",
            "departments",
            response=organisation_api.DepartmentList,
        ),
        organisation_views.list_departments,
    ),
    (
        Operation(
            "PATCH",
            "/api/v1/departments/{department_id}",
            "Rename a department",
            "departments",
            request=organisation_api.DepartmentPatch,
            response=organisation_api.Department,
            errors=(400, 401, 403, 404, 409, 422),
        ),
        organisation_views.patch_department,
    ),
    (
        Operation(
            "POST",
            M,
            "Create a meeting (draft)",
            "meetings",
            request=meetings_api.MeetingCreate,
            response=meetings_api.Meeting,
            status=201,
            errors=(400, 401, 403, 422),
            headers=CREATE,
        ),
        meetings_views.create_meeting,
    ),
    (
        Operation(
            "GET",
            M,
            "The organisation's meetings",
            "meetings",
            response=meetings_api.MeetingList,
            query={
                "status": "draft|scheduled|in_progress|ended|cancelled",
                "from": "RFC 3339: ending at or after",
                "to": "RFC 3339: starting before",
                "limit": "1-500",
            },
        ),
        meetings_views.list_meetings,
    ),
    (
        Operation("GET", ONE, "A meeting with its agenda", "meetings", response=meetings_api.Meeting),
        meetings_views.get_meeting,
    ),
    (
        Operation(
            "POST",
            ONE + "/duplicate",
            "A new draft from this meeting as a template",
            "meetings",
            request=meetings_api.MeetingDuplicate,
            response=meetings_api.Meeting,
            status=201,
            errors=(400, 401, 403, 404, 422),
            headers=CREATE,
            description=DUPLICATE_DOC,
        ),
        meetings_views.duplicate_meeting,
    ),
    (
        Operation(
            "PATCH",
            ONE,
            "Edit a meeting; moving a scheduled one emits meeting.rescheduled",
            "meetings",
            request=meetings_api.MeetingPatch,
            response=meetings_api.Meeting,
            errors=(400, 401, 403, 404, 409, 412, 422),
            headers=EDIT,
        ),
        meetings_views.patch_meeting,
    ),
    *(
        (
            Operation(
                "POST",
                f"{ONE}/{action}",
                f"Lifecycle: {action}",
                "meetings",
                request=meetings_api.Transition if action == "cancel" else None,
                body_required=False,  # a cancellation's reason is optional, and so is its body
                response=meetings_api.Meeting,
                errors=(401, 403, 404, 409, 412),
                headers=EDIT,
                description="A forbidden transition is 409 with `current_status`.",
            ),
            meetings_views.transition(action),
        )
        for action in ("schedule", "start", "end", "cancel")
    ),
    (
        Operation(
            "GET",
            ONE + "/notification-policy",
            "Which emails the meeting sends, to whom and how (organiser, chair, secretary)",
            "meetings",
            response=meetings_api.NotificationPolicy,
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
            request=meetings_api.NotificationPolicyIn,
            response=meetings_api.NotificationPolicy,
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
    (Operation("GET", AGENDA, "The agenda", "agenda", response=meetings_api.Agenda), agenda.get_agenda),
    (
        Operation(
            "POST",
            AGENDA,
            "Add an agenda item",
            "agenda",
            response=meetings_api.Agenda,
            request=meetings_api.AgendaItemCreate,
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
            response=meetings_api.Agenda,
            request=meetings_api.AgendaOrder,
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
            response=meetings_api.Agenda,
            request=meetings_api.AgendaItemPatch,
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
            response=meetings_api.Agenda,
            errors=(401, 403, 404, 409, 412),
            headers=EDIT,
        ),
        agenda.remove_agenda_item,
    ),
    (
        Operation(
            "POST",
            PEOPLE,
            "Add a participant (and issue its invite link)",
            "participants",
            request=people_api.ParticipantCreate,
            response=people_api.Participant,
            status=201,
            errors=(400, 401, 403, 404, 409, 422),
            headers=CREATE,
        ),
        participants.add_participant,
    ),
    (
        Operation(
            "POST",
            PEOPLE + ":import",
            "Import participants from CSV, all or nothing",
            "participants",
            request="text/csv",
            response=people_api.ImportResult,
            status=201,
            errors=(400, 401, 403, 404, 409, 413, 422),
            headers=CREATE,
            description=IMPORT_DOC,
        ),
        participants.import_participants,
    ),
    (
        Operation(
            "GET",
            PEOPLE,
            "The meeting's participants: search, filter, sort, page",
            "participants",
            response=people_api.ParticipantList,
            query=PEOPLE_QUERY,
        ),
        participants.list_participants,
    ),
    (
        Operation(
            "POST",
            PEOPLE + ":preview",
            "What importing this CSV would do, writing nothing",
            "participants",
            request="text/csv",
            response=people_api.ImportPreview,
            errors=(400, 401, 403, 404, 413),
            description="The same file and checks as `participants:import`; every row and every problem, per row.",
        ),
        participants.preview_import,
    ),
    (
        Operation("GET", PERSON, "One participant", "participants", response=people_api.Participant),
        participants.get_participant,
    ),
    (
        Operation(
            "PATCH",
            PERSON,
            "Edit a participant",
            "participants",
            request=people_api.ParticipantPatch,
            response=people_api.Participant,
            errors=(400, 401, 403, 404, 409, 422),
        ),
        participants.patch_participant,
    ),
    (
        Operation("DELETE", PERSON, "Remove a participant", "participants", status=204, errors=(401, 403, 404)),
        participants.remove_participant,
    ),
    (
        Operation(
            "POST",
            PERSON + "/invite",
            "Issue a new invite link (the old one stops working)",
            "participants",
            response=people_api.Invite,
            status=201,
            errors=(401, 403, 404, 409),
            description="409 once the meeting is over or cancelled: its invites can no longer change.",
        ),
        participants.reissue_invite,
    ),
    (
        Operation("DELETE", PERSON + "/invite", "Revoke the invite link", "participants", status=204),
        participants.revoke_invite,
    ),
    (
        Operation(
            "GET",
            ONE + "/invitations",
            "Whose invitation has been sent, how often and when; the participants list's filters, sort and pages",
            "participants",
            response=people_api.InvitationList,
            query=PEOPLE_QUERY,
        ),
        participants.list_invitations,
    ),
    (
        Operation(
            "POST",
            ONE + "/invitations:send",
            "Send the invitations not sent yet (or only to `participant_ids`; `resend` sends again). Nothing is"
            " emailed while a meeting is a draft until this is called or the meeting is scheduled.",
            "participants",
            request=people_api.InvitationSend,
            response=people_api.InvitationList,
            status=202,
            errors=(400, 401, 403, 404, 409, 422),
        ),
        invitations.send_invitations,
    ),
    (
        Operation(
            "POST",
            "/api/v1/sessions",
            "Exchange an invite code for a participant session token",
            "participants",
            request=site_api.SessionCreate,
            response=site_api.Session,
            status=201,
            errors=(400, 404, 410, 422),
            auth=None,
        ),
        sessions.create_session,
    ),
    (
        Operation(
            "POST",
            PERSON + "/rsvp",
            "Answer the invitation",
            "attendance",
            request=people_api.RsvpBody,
            response=people_api.Participant,
            errors=(400, 401, 403, 404, 409, 422),
        ),
        attendance.record_rsvp,
    ),
    (
        Operation(
            "POST",
            PERSON + "/check-in",
            "Check in (idempotent; meeting in progress; one's own only if the meeting allows self check-in)",
            "attendance",
            response=people_api.Participant,
            errors=(401, 403, 404, 409),
        ),
        attendance.attendance_change(True),
    ),
    (
        Operation(
            "POST",
            PERSON + "/check-out",
            "Check out (idempotent; meeting in progress)",
            "attendance",
            response=people_api.Participant,
            errors=(401, 403, 404, 409),
        ),
        attendance.attendance_change(False),
    ),
    (
        Operation(
            "GET", ONE + "/attendance", "Who is present: count and weight", "attendance", response=people_api.Attendance
        ),
        attendance.get_attendance,
    ),
    (
        Operation(
            "POST",
            PERSON + "/proxy",
            "Hand this participant's vote to another voting member",
            "attendance",
            request=people_api.ProxyGrant,
            response=people_api.Participant,
            status=201,
            errors=(400, 401, 403, 404, 409, 422),
        ),
        attendance.grant_proxy,
    ),
    (
        Operation("DELETE", PERSON + "/proxy", "Revoke the proxy (later polls)", "attendance", status=204),
        attendance.revoke_proxy,
    ),
    (
        Operation(
            "POST",
            REQUESTS,
            "Ask departments for position reports",
            "contributions",
            request=contributions_api.ContributionRequestCreate,
            response=contributions_api.ContributionRequest,
            status=201,
            errors=(400, 401, 403, 404, 409, 422),
            headers=CREATE,
        ),
        contributions_views.create_request,
    ),
    (
        Operation(
            "GET",
            REQUESTS,
            "The meeting's contribution requests",
            "contributions",
            response=contributions_api.ContributionRequestList,
        ),
        contributions_views.list_requests,
    ),
    (
        Operation(
            "POST",
            REQUEST + "/submissions",
            "Submit the department's position report",
            "contributions",
            request=contributions_api.SubmissionBody,
            response=contributions_api.Submission,
            status=201,
            errors=(400, 401, 403, 404, 409, 422),
            headers=CREATE,
            description=SUBMIT_DOC,
        ),
        contributions_views.submit,
    ),
    (
        Operation(
            "GET",
            SUBMISSION,
            "A position report (its latest revision)",
            "contributions",
            response=contributions_api.Submission,
        ),
        contributions_views.get_submission,
    ),
    (
        Operation(
            "PUT",
            SUBMISSION,
            "Revise a position report (every revision is kept)",
            "contributions",
            request=contributions_api.SubmissionBody,
            response=contributions_api.Submission,
            errors=(400, 401, 403, 404, 409, 412, 422, 428),
            headers=EDIT,
        ),
        contributions_views.revise,
    ),
    (
        Operation(
            "GET",
            SUBMISSION + "/revisions",
            "Every revision of a report",
            "contributions",
            response=contributions_api.RevisionList,
        ),
        contributions_views.list_revisions,
    ),
    (
        Operation(
            "POST",
            REQUEST + "/reminders",
            "Remind departments of a contribution request by email",
            "contributions",
            request=contributions_api.ReminderSend,
            body_required=False,
            response=contributions_api.Reminded,
            status=202,
            errors=(400, 401, 403, 404, 409, 422),
            headers=CREATE,
            description="Without `department_ids`: every department addressed that has not submitted a report.",
        ),
        contributions_views.send_reminder,
    ),
    (
        Operation(
            "GET",
            ONE + "/bootstrap",
            "A participant page's first screen in one answer (the meeting, oneself, reports; polls, results"
            " and directives from resolution_svc)",
            "meetings",
            response=site_api.Bootstrap,
            errors=(401, 403, 404),
        ),
        bootstrap.get_bootstrap,
    ),
    (
        Operation(
            "GET",
            ONE + "/contributions",
            "Which departments submitted, revised, are late or overdue",
            "contributions",
            response=contributions_api.ContributionStatusList,
        ),
        contributions_views.contribution_status,
    ),
]

OPERATIONS += accounts_routes.OPERATIONS
OPERATIONS += ROOM_OPERATIONS + MOTION_OPERATIONS + RECORD_OPERATIONS


def setup(app: web.Application) -> None:
    for op, handler in OPERATIONS:
        app.router.add_route(op.method, op.path, handler)  # type: ignore[arg-type]
    app.router.add_get("/join/{code}", join.join_page)  # the page of a personal invite link (HTML)
    single_sign_on.setup(app)
    app.router.add_get("/join/{code}/qr.svg", join_files.qr_image_svg)
    app.router.add_get("/join/{code}/qr.png", join_files.qr_image_png)
    app.router.add_get("/join/{code}/meeting.ics", join_files.calendar_file)
    app.router.add_get("/calendar/{token}.ics", calendar_feeds.feed)  # a participant's feed (the URL is the secret)
