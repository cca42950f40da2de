"""The routes of the meeting's record (calendar feeds, exports, minutes) with their
OpenAPI description; meeting_svc/routes.py joins them into the service's list."""

from __future__ import annotations

from aiohttp import web

from meeting_svc.access import SETTINGS
from meeting_svc.record import api, calendar_feeds, exports, minutes_views
from meeting_svc.record.minutes.typesetting import Typesetter
from servicekit.http import Handler
from servicekit.openapi import Operation
from servicekit.tabular import CONTENT_TYPES

ONE = "/api/v1/meetings/{meeting_id}"
PERSON = ONE + "/participants/{participant_id}"

OPERATIONS: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "GET",
            ONE + "/minutes",
            "The minutes as drafted now (facts recorded by the services and the secretary's summaries), with its"
            " content hash",
            "minutes",
            response=api.MinutesDraft,
            query={"lang": "vi or en (default: Accept-Language, else vi)", "format": "json (default) or pdf"},
            errors=(400, 401, 403, 404, 422, 503),
        ),
        minutes_views.get_draft,
    ),
    (
        Operation(
            "PUT",
            ONE + "/minutes/summaries/{item_id}",
            "The secretary's summary of an agenda item, in Vietnamese and English",
            "minutes",
            request=api.SummaryBody,
            status=204,
            errors=(400, 401, 403, 404, 422),
        ),
        minutes_views.put_summary,
    ),
    (
        Operation(
            "POST",
            ONE + "/minutes/approve",
            "Approve the minutes as drafted now: a new frozen version, published (`minutes.published`)",
            "minutes",
            request=api.ApproveBody,
            response=api.MinutesVersion,
            status=201,
            errors=(400, 401, 403, 404, 409, 422, 503),
            body_required=False,
        ),
        minutes_views.approve,
    ),
    (
        Operation(
            "GET",
            ONE + "/minutes/versions",
            "Every approved version, with who and when",
            "minutes",
            response=api.MinutesVersions,
        ),
        minutes_views.list_versions,
    ),
    (
        Operation(
            "GET",
            ONE + "/minutes/versions/{version}",
            "One approved version (`format=html` or `pdf` for the document itself)",
            "minutes",
            response=("application/json", "text/html", "application/pdf"),
            query={"lang": "vi or en (default: Accept-Language, else vi)", "format": "json (default), html or pdf"},
            errors=(400, 401, 404, 503),
        ),
        minutes_views.get_version,
    ),
    (
        Operation(
            "POST",
            PERSON + "/calendar-feed",
            "Issue the participant's calendar feed URL (their meetings, their department's contribution deadlines);"
            " the previous URL stops working",
            "calendars",
            response=api.CalendarFeed,
            status=201,
            errors=(401, 403, 404),
            body_required=False,
            description="The URL is issued under the participant's invite as it stands: revoking or reissuing the"
            " invite, or removing the participant, ends it (`/calendar/{secret}.ics` then answers 404). Besides"
            " this meeting it lists the organisation's meetings where the same person (by their address's key)"
            " is on the roster now with a live invite.",
        ),
        calendar_feeds.issue_feed,
    ),
    (
        Operation(
            "DELETE",
            PERSON + "/calendar-feed",
            "Revoke the participant's calendar feed URL",
            "calendars",
            status=204,
            errors=(401, 403, 404),
        ),
        calendar_feeds.revoke_feed,
    ),
    (
        Operation(
            "GET",
            ONE + "/attendance:export",
            "Attendance (present, by proxy, excused, absent) by department, as CSV, XLSX or JSON (streamed)",
            "exports",
            response=tuple(t.split(";")[0] for t in CONTENT_TYPES.values()),
            query={
                "format": "csv (default), xlsx or json",
                "lang": "vi or en: the language of column headers and texts (default: Accept-Language, else vi)",
            },
            errors=(400, 401, 403, 404),
        ),
        exports.export_attendance,
    ),
]


def setup(app: web.Application) -> None:
    """The record's route outside the API (a participant's calendar feed: the URL is the secret), and the
    pool the minutes are typeset in."""
    app.router.add_get("/calendar/{token}.ics", calendar_feeds.feed)
    settings = app[SETTINGS]
    app[minutes_views.TYPESETTER] = Typesetter(
        settings.typeset_workers, settings.typeset_waiting, settings.typeset_timeout_s
    )
