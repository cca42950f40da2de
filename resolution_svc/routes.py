"""resolution_svc's routes and their OpenAPI description (one list, so they cannot drift)."""

from __future__ import annotations

from aiohttp import web

from resolution_svc import api
from resolution_svc.views import amendments, ballots, directives, exports, feeds, polls, resolutions
from servicekit.http import Handler
from servicekit.openapi import Operation
from servicekit.tabular import CONTENT_TYPES

MEETING = "/api/v1/meetings/{meeting_id}"
RESOLUTION = "/api/v1/resolutions/{resolution_id}"
POLL = "/api/v1/polls/{poll_id}"
CREATE = ("Idempotency-Key",)
CONFLICTS = (400, 401, 403, 404, 409, 422)
BALLOT_DOC = (
    "Cast with the voter's participant session token, or as proxy holder with `principal_id`. Exactly one ballot"
    " counts per voter. 201 with a receipt code; 409 when the poll is not open or a ballot was already counted"
    " (naming its receipt in a named poll); 403 when not on the roster; 422 for an unknown option. Where the poll"
    " allows it, a second ballot replaces the first (200, `replaced`). Send a random `nonce` with each ballot and"
    " keep it with the ballot: the same ballot sent again with the same nonce (its answer was lost) answers 200"
    " with the same receipt and `replayed`, counted once, also after close. A secret poll's ballot is sealed"
    " until close (docs/secret-ballots.md)."
)

# Read after the poll closed: before, a 409.
AFTER_CLOSE = (401, 403, 404, 409)

EXPORT_TYPES = tuple(t.split(";")[0] for t in CONTENT_TYPES.values())
EXPORT_QUERY = {
    "format": "csv (default), xlsx or json",
    "lang": "vi or en: the language of column headers and texts (default: Accept-Language, else vi)",
    "meeting_id": "one meeting",
}
POLL_EXPORT_QUERY = {k: v for k, v in EXPORT_QUERY.items() if k != "meeting_id"}

OPERATIONS: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "POST",
            MEETING + "/resolutions",
            "Draft a resolution with its directives",
            "resolutions",
            request=api.ResolutionCreate,
            response=api.Resolution,
            status=201,
            errors=CONFLICTS,
            headers=CREATE,
        ),
        resolutions.create_resolution,
    ),
    (
        Operation(
            "GET", MEETING + "/resolutions", "The meeting's resolutions", "resolutions", response=api.ResolutionList
        ),
        resolutions.list_resolutions,
    ),
    (
        Operation("GET", RESOLUTION, "One resolution", "resolutions", response=api.Resolution),
        resolutions.get_resolution,
    ),
    (
        Operation(
            "PATCH",
            RESOLUTION,
            "Edit a draft resolution",
            "resolutions",
            request=api.ResolutionPatch,
            response=api.Resolution,
            errors=(*CONFLICTS, 412, 428),
            headers=("If-Match",),
        ),
        resolutions.patch_resolution,
    ),
    (
        Operation(
            "POST",
            RESOLUTION + "/amendments",
            "Propose an amendment (voting members)",
            "resolutions",
            request=api.AmendmentCreate,
            response=api.Amendment,
            status=201,
            errors=CONFLICTS,
            headers=CREATE,
            description="An amendment changes parts of the text: each of `changes` names a part in one language by"
            " an exact passage (`quote`, found once) or by `paragraphs` (first..last, separated by a blank line) of"
            " the resolution at `base_version`, which must be the current version (409 otherwise), and gives its"
            " `replacement`. Or `text` gives the whole text anew. The answer shows it as a unified `diff` against"
            " the current text.",
        ),
        amendments.propose_amendment,
    ),
    (
        Operation(
            "GET",
            RESOLUTION + "/amendments",
            "The resolution's amendments, each proposed one as a diff against the current text",
            "resolutions",
            response=api.AmendmentList,
            description="`conflicts` lists the changes whose part has been edited since the amendment's base"
            " version: accepting it is then a 409 naming the first.",
        ),
        amendments.list_amendments,
    ),
    (
        Operation(
            "POST",
            "/api/v1/amendments/{amendment_id}/accept",
            "Accept an amendment (chair): merge the parts it changes into the current text",
            "resolutions",
            response=api.Amendment,
            errors=CONFLICTS,
        ),
        amendments.decide_amendment(True),
    ),
    (
        Operation(
            "POST",
            "/api/v1/amendments/{amendment_id}/reject",
            "Reject an amendment (chair)",
            "resolutions",
            response=api.Amendment,
            errors=CONFLICTS,
        ),
        amendments.decide_amendment(False),
    ),
    (
        Operation(
            "POST",
            MEETING + "/polls",
            "Create a poll on a resolution, an amendment or a procedural motion",
            "polls",
            request=api.PollCreate,
            response=api.Poll,
            status=201,
            errors=CONFLICTS,
            headers=CREATE,
        ),
        polls.create_poll,
    ),
    (
        Operation(
            "GET",
            "/api/v1/poll-presets",
            "Poll rules named in plain words, each with its exact rule in vi and en",
            "polls",
            response=api.PollPresetList,
            auth=None,
            errors=(),
            description="Create a poll from one by giving its `id` as `preset` instead of `rules`.",
        ),
        polls.list_presets,
    ),
    (Operation("GET", MEETING + "/polls", "The meeting's polls", "polls", response=api.PollList), polls.list_polls),
    (
        Operation(
            "GET", MEETING + "/results", "The results of the meeting's closed polls", "polls", response=api.ResultList
        ),
        ballots.list_results,
    ),
    (Operation("GET", POLL, "One poll", "polls", response=api.Poll), polls.get_poll),
    (
        Operation(
            "POST",
            POLL + "/open",
            "Open a poll: fixes its roster (chair)",
            "polls",
            response=api.Poll,
            errors=(*CONFLICTS, 503),
            description=(
                "The roster counts every participant, role, weight, removal and proxy, and the meeting's start,"
                " that meeting_svc acknowledged before this request (docs/consistency.md). 503 with Retry-After"
                " when this service could not catch up with them within CONSISTENCY_WAIT_S."
            ),
        ),
        polls.poll_action("open"),
    ),
    (
        Operation(
            "POST",
            POLL + "/close",
            "Close a poll and publish its result (chair)",
            "polls",
            response=api.Poll,
            errors=(*CONFLICTS, 503),
            description=(
                "Every ballot acknowledged before the close is counted, and presence counts every check-in,"
                " check-out, removal, weight change and proxy meeting_svc acknowledged before it"
                " (docs/consistency.md). 503 with Retry-After when this service could not catch up with them"
                " within CONSISTENCY_WAIT_S."
            ),
        ),
        polls.poll_action("close"),
    ),
    (
        Operation(
            "POST",
            POLL + "/ballots",
            "Cast a ballot",
            "ballots",
            request=api.BallotCast,
            response=api.BallotReceipt,
            status=201,
            errors=CONFLICTS,
            description=BALLOT_DOC,
        ),
        ballots.cast_ballot,
    ),
    (
        Operation(
            "GET",
            POLL + "/votes-carried",
            "The votes the calling participant casts: their own and those handed to them, each cast or not",
            "ballots",
            response=api.VotesCarried,
            errors=(401, 403, 404),
        ),
        ballots.get_votes_carried,
    ),
    (
        Operation(
            "GET", POLL + "/result", "The result (after close)", "ballots", response=api.Result, errors=AFTER_CLOSE
        ),
        ballots.get_result,
    ),
    (
        Operation(
            "GET",
            POLL + "/ballots",
            "Who voted what (named polls, after close)",
            "ballots",
            response=api.NamedBallots,
            errors=AFTER_CLOSE,
        ),
        ballots.get_named_ballots,
    ),
    (
        Operation(
            "GET",
            POLL + "/receipts",
            "Every receipt with its choice (after close)",
            "ballots",
            response=api.Receipts,
            errors=AFTER_CLOSE,
        ),
        ballots.get_receipts,
    ),
    (
        Operation(
            "GET",
            "/api/v1/directives",
            "Directives: by department, status, overdue",
            "directives",
            response=api.DirectiveList,
            query={
                "department": "department id",
                "status": "not_started|in_progress|done|blocked",
                "overdue": "true: past due and not done",
                "meeting_id": "one meeting",
            },
        ),
        directives.list_directives,
    ),
    (
        Operation(
            "POST",
            "/api/v1/departments/{department_id}/calendar-feed",
            "Issue the department's calendar feed URL of directive due dates; the previous URL stops working",
            "calendars",
            response=api.CalendarFeed,
            status=201,
            errors=(401, 403, 404),
            body_required=False,
            description="The feed shows the directives of the issuing organisation; `?lang=en` on it for English.",
        ),
        feeds.issue_department_feed,
    ),
    (
        Operation(
            "DELETE",
            "/api/v1/departments/{department_id}/calendar-feed",
            "Revoke the department's calendar feed URL",
            "calendars",
            status=204,
            errors=(401, 403, 404),
        ),
        feeds.revoke_department_feed,
    ),
    (
        Operation(
            "GET",
            "/api/v1/polls/{poll_id}/result:export",
            "A closed poll's count and weight per option as CSV, XLSX or JSON",
            "exports",
            response=EXPORT_TYPES,
            query=POLL_EXPORT_QUERY,
            errors=AFTER_CLOSE,
        ),
        exports.export_poll_result,
    ),
    (
        Operation(
            "GET",
            "/api/v1/polls/{poll_id}/ballots:export",
            "Who voted what in a named poll, after close, as CSV, XLSX or JSON (streamed)",
            "exports",
            response=EXPORT_TYPES,
            query=POLL_EXPORT_QUERY,
            errors=AFTER_CLOSE,
        ),
        exports.export_named_ballots,
    ),
    (
        Operation(
            "GET",
            "/api/v1/directives:export",
            "Directives as CSV, XLSX or JSON (streamed)",
            "exports",
            response=EXPORT_TYPES,
            query={
                **EXPORT_QUERY,
                "department": "department id",
                "status": "not_started|in_progress|done|blocked",
                "overdue": "true: past due and not done",
                "due_from": "first due date (YYYY-MM-DD)",
                "due_to": "last due date (YYYY-MM-DD)",
            },
            description="Same visibility as the list. Dates ISO 8601; moments with the meeting's offset.",
        ),
        exports.export_directives,
    ),
    (
        Operation(
            "GET",
            "/api/v1/decisions:export",
            "Decisions (every closed poll with its result) as CSV, XLSX or JSON (streamed)",
            "exports",
            response=EXPORT_TYPES,
            query={
                **EXPORT_QUERY,
                "closed_from": "closed at or after (RFC 3339)",
                "closed_to": "closed before (RFC 3339)",
                "outcome": "adopted|rejected|no_quorum",
            },
            description="An organiser's whole organisation, a participant's own meeting.",
        ),
        exports.export_decisions,
    ),
    (
        Operation("GET", "/api/v1/directives/{directive_id}", "One directive", "directives", response=api.Directive),
        directives.get_directive,
    ),
    (
        Operation(
            "PATCH",
            "/api/v1/directives/{directive_id}",
            "Report progress (responsible department)",
            "directives",
            request=api.DirectivePatch,
            response=api.Directive,
            errors=(*CONFLICTS, 412),
            headers=("If-Match",),
        ),
        directives.patch_directive,
    ),
    (
        Operation(
            "GET",
            "/api/v1/directives/{directive_id}/progress",
            "Progress history: every department's reports, newest first",
            "directives",
            response=api.DirectiveProgressList,
        ),
        directives.get_progress,
    ),
]


def setup(app: web.Application) -> None:
    for op, handler in OPERATIONS:
        app.router.add_route(op.method, op.path, handler)
    # a department's feed of directive due dates (the URL is the secret)
    app.router.add_get("/calendar/departments/{token}.ics", feeds.department_feed)
