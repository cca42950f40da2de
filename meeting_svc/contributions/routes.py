"""The routes of contribution requests and position reports with their OpenAPI description;
meeting_svc/routes.py joins them into the service's list (the status after the site's first screen,
where the published document has always listed it)."""

from __future__ import annotations

from meeting_svc.contributions import api, views
from servicekit.http import Handler
from servicekit.openapi import Operation

M = "/api/v1/meetings"
ONE = M + "/{meeting_id}"
REQUESTS = ONE + "/contribution-requests"
REQUEST = REQUESTS + "/{request_id}"
SUBMISSION = REQUEST + "/submissions/{submission_id}"
CREATE = ("Idempotency-Key",)
EDIT = ("If-Match",)
SUBMIT_DOC = (
    "Markdown body, rendered sanitised into `body_html`. After the deadline: 409 unless the request allows late"
    " reports (then flagged `late`)."
)

REPORTS: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "POST",
            REQUESTS,
            "Ask departments for position reports",
            "contributions",
            request=api.ContributionRequestCreate,
            response=api.ContributionRequest,
            status=201,
            errors=(400, 401, 403, 404, 409, 422),
            headers=CREATE,
        ),
        views.create_request,
    ),
    (
        Operation(
            "GET",
            REQUESTS,
            "The meeting's contribution requests",
            "contributions",
            response=api.ContributionRequestList,
        ),
        views.list_requests,
    ),
    (
        Operation(
            "POST",
            REQUEST + "/submissions",
            "Submit the department's position report",
            "contributions",
            request=api.SubmissionBody,
            response=api.Submission,
            status=201,
            errors=(400, 401, 403, 404, 409, 422),
            headers=CREATE,
            description=SUBMIT_DOC,
        ),
        views.submit,
    ),
    (
        Operation(
            "GET",
            SUBMISSION,
            "A position report (its latest revision)",
            "contributions",
            response=api.Submission,
        ),
        views.get_submission,
    ),
    (
        Operation(
            "PUT",
            SUBMISSION,
            "Revise a position report (every revision is kept)",
            "contributions",
            request=api.SubmissionBody,
            response=api.Submission,
            errors=(400, 401, 403, 404, 409, 412, 422, 428),
            headers=EDIT,
        ),
        views.revise,
    ),
    (
        Operation(
            "GET",
            SUBMISSION + "/revisions",
            "Every revision of a report",
            "contributions",
            response=api.RevisionList,
        ),
        views.list_revisions,
    ),
    (
        Operation(
            "POST",
            REQUEST + "/reminders",
            "Remind departments of a contribution request by email",
            "contributions",
            request=api.ReminderSend,
            body_required=False,
            response=api.Reminded,
            status=202,
            errors=(400, 401, 403, 404, 409, 422),
            headers=CREATE,
            description="Without `department_ids`: every department addressed that has not submitted a report.",
        ),
        views.send_reminder,
    ),
]

STATUS: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "GET",
            ONE + "/contributions",
            "Which departments submitted, revised, are late or overdue",
            "contributions",
            response=api.ContributionStatusList,
        ),
        views.contribution_status,
    ),
]
