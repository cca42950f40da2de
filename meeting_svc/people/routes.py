"""The routes of participants, their invitations and attendance (the check-in desk's too), with their
OpenAPI description, and the pages of a personal invite link. meeting_svc/routes.py joins the three
lists into the service's list, each where the published document has always listed its paths."""

from __future__ import annotations

from aiohttp import web

from meeting_svc.people import api, attendance, invitations, join, join_files, participants
from servicekit.http import Handler
from servicekit.openapi import Operation

# what revoking or reissuing an invite, or removing its participant, ends (servicekit.sessions,
# record/calendar_feeds.py, room/db.py, notifier/emails/policy.py)
ENDED = (
    " the participant's sessions, their calendar feed, the display links they made and the notice-settings links"
    " of the emails sent before."
)

M = "/api/v1/meetings"
ONE = M + "/{meeting_id}"
PEOPLE = ONE + "/participants"
PERSON = PEOPLE + "/{participant_id}"
CREATE = ("Idempotency-Key",)
IMPORT_DOC = (
    "UTF-8 (a BOM is fine), header `name,email,department,role,weight,language`; department by code or name."
    " On any bad row: 422 with `errors: [{row, field, detail}]` and nothing created."
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

PARTICIPANTS: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "POST",
            PEOPLE,
            "Add a participant (and issue its invite link)",
            "participants",
            request=api.ParticipantCreate,
            response=api.Participant,
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
            response=api.ImportResult,
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
            response=api.ParticipantList,
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
            response=api.ImportPreview,
            errors=(400, 401, 403, 404, 413),
            description="The same file and checks as `participants:import`; every row and every problem, per row.",
        ),
        participants.preview_import,
    ),
    (
        Operation("GET", PERSON, "One participant", "participants", response=api.Participant),
        participants.get_participant,
    ),
    (
        Operation(
            "PATCH",
            PERSON,
            "Edit a participant",
            "participants",
            request=api.ParticipantPatch,
            response=api.Participant,
            errors=(400, 401, 403, 404, 409, 422),
        ),
        participants.patch_participant,
    ),
    (
        Operation(
            "DELETE",
            PERSON,
            "Remove a participant",
            "participants",
            status=204,
            errors=(401, 403, 404),
            description="Every credential issued to them ends:" + ENDED,
        ),
        participants.remove_participant,
    ),
    (
        Operation(
            "POST",
            PERSON + "/invite",
            "Issue a new invite link (the old one stops working)",
            "participants",
            response=api.Invite,
            status=201,
            errors=(401, 403, 404, 409),
            description="Every credential issued under the old link ends:"
            + ENDED
            + " 409 once the meeting is over or cancelled: its invites can no longer change.",
        ),
        participants.reissue_invite,
    ),
    (
        Operation(
            "DELETE",
            PERSON + "/invite",
            "Revoke the invite link",
            "participants",
            status=204,
            description="Every credential issued under it ends:" + ENDED,
        ),
        participants.revoke_invite,
    ),
    (
        Operation(
            "GET",
            ONE + "/invitations",
            "Whose invitation has been sent, how often and when; the participants list's filters, sort and pages",
            "participants",
            response=api.InvitationList,
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
            request=api.InvitationSend,
            response=api.InvitationList,
            status=202,
            errors=(400, 401, 403, 404, 409, 422),
        ),
        invitations.send_invitations,
    ),
]

ATTENDANCE: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "POST",
            PERSON + "/rsvp",
            "Answer the invitation",
            "attendance",
            request=api.RsvpBody,
            response=api.Participant,
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
            response=api.Participant,
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
            response=api.Participant,
            errors=(401, 403, 404, 409),
        ),
        attendance.attendance_change(False),
    ),
    (
        Operation(
            "GET", ONE + "/attendance", "Who is present: count and weight", "attendance", response=api.Attendance
        ),
        attendance.get_attendance,
    ),
    (
        Operation(
            "POST",
            PERSON + "/proxy",
            "Hand this participant's vote to another voting member",
            "attendance",
            request=api.ProxyGrant,
            response=api.Participant,
            status=201,
            errors=(400, 401, 403, 404, 409, 422),
        ),
        attendance.grant_proxy,
    ),
    (
        Operation("DELETE", PERSON + "/proxy", "Revoke the proxy (later polls)", "attendance", status=204),
        attendance.revoke_proxy,
    ),
]

DESK: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "POST",
            ONE + "/check-in:scanned",
            "The desk checks in the participant whose personal QR code it scanned",
            "participants",
            request=api.ScannedCode,
            response=api.Participant,
            errors=(400, 401, 403, 404, 409, 422),
        ),
        attendance.check_in_scanned,
    ),
]


def setup(app: web.Application) -> None:
    """The pages of a personal invite link (HTML, QR codes, the calendar entry), outside the API."""
    app.router.add_get("/join/{code}", join.join_page)
    app.router.add_get("/join/{code}/qr.svg", join_files.qr_image_svg)
    app.router.add_get("/join/{code}/qr.png", join_files.qr_image_png)
    app.router.add_get("/join/{code}/meeting.ics", join_files.calendar_file)
