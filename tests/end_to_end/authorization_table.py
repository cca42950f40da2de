"""Who may do what: one row per operation of the three services, the expected answer per caller.

The table is data, so the suite (test_authorization_matrix.py) and README's "who may do what" table are
the same thing: the README's table is rendered from these rows and a test checks it is there verbatim.

A cell is either `ALLOWED` (the request passes authorization: a 2xx, or 409 when the meeting's or the
object's state forbids it at that moment) or the exact refusal: 401 (no session, or it ended), 403
(may see, may not do: one neutral text), 404 (may not see: answered as if it did not exist).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALLOWED = "ok"
Cell = int | str

ROLES = ("chair", "secretary", "voting_member", "department_representative", "observer")
# the callers of the suite, in the order of its columns
CALLERS = (
    "none",
    "other_org",
    "other_meeting",
    "organiser",
    *ROLES,
    "removed",
    "demoted_chair",
    "moved_rep",
    "revoked_invite",
)
SHORT = {
    "none": "no token",
    "other_org": "other org",
    "other_meeting": "other meeting",
    "organiser": "organiser",
    "chair": "chair",
    "secretary": "secretary",
    "voting_member": "member",
    "department_representative": "rep",
    "observer": "observer",
    "removed": "removed",
    "demoted_chair": "chair → observer",
    "moved_rep": "rep moved away",
    "revoked_invite": "invite revoked",
}

EVERYONE = frozenset({"organiser", *ROLES})
STAFF = frozenset({"organiser", "chair", "secretary"})
CHAIR = frozenset({"organiser", "chair"})
VOTERS = frozenset({"chair", "voting_member", "department_representative"})
ORGANISER = frozenset({"organiser"})
REPRESENTATIVE = frozenset({"department_representative"})


@dataclass(frozen=True)
class Row:
    service: str
    method: str
    path: str
    allow: frozenset[str]  # of "organiser" and the roles
    other_org: Cell = 404  # an organiser of another organisation
    other_meeting: Cell = 404  # a member of another meeting of the same organisation
    # the representative moved to another department keeps the role: decided per row
    moved_rep: Cell | None = None
    public: bool = False  # no token needed: every caller alike
    note: str = ""
    overrides: dict[str, Cell] = field(default_factory=dict)

    def expected(self, caller: str) -> Cell:
        if self.public:
            return ALLOWED
        if caller in self.overrides:
            return self.overrides[caller]
        if caller in ("none", "removed", "revoked_invite"):
            return 401
        if caller == "other_org":
            return self.other_org
        if caller == "other_meeting":
            return self.other_meeting
        if caller == "demoted_chair":
            return self.expected("observer")  # decided on the current role
        if caller == "moved_rep":
            return self.moved_rep if self.moved_rep is not None else self.expected("department_representative")
        return ALLOWED if caller in self.allow else 403


def m(method: str, path: str, allow: frozenset[str], **kw: object) -> Row:
    return Row("meeting", method, path, allow, **kw)  # type: ignore[arg-type]


def r(method: str, path: str, allow: frozenset[str], **kw: object) -> Row:
    return Row("resolution", method, path, allow, **kw)  # type: ignore[arg-type]


def n(method: str, path: str, allow: frozenset[str], **kw: object) -> Row:
    return Row("notifier", method, path, allow, **kw)  # type: ignore[arg-type]


MEETING = "/api/v1/meetings/{meeting_id}"
PERSON = MEETING + "/participants/{participant_id}"
REQUEST = MEETING + "/contribution-requests/{request_id}"
SUBMISSION = REQUEST + "/submissions/{submission_id}"
SUBSCRIPTION = "/api/v1/subscriptions/{subscription_id}"
SPEAKERS = MEETING + "/agenda/{item_id}/speakers"
SPEAKER = SPEAKERS + "/{speaker_id}"
OWN_ORG = {"other_org": ALLOWED, "other_meeting": 403}  # organisation-wide lists and creation
ORG_ONLY = {"other_org": 404, "other_meeting": 403}  # an organiser's object of this organisation
# The organiser's browser session: its cookie (with the CSRF token and this site's Origin) and nothing
# else; no bearer token opens these.
COOKIE_ONLY: dict[str, Cell] = dict.fromkeys(CALLERS, 401)
COOKIE_NOTE = "browser session cookie + CSRF token only"
NO_SSO: dict[str, Cell] = dict.fromkeys(CALLERS, 404)  # this suite's stack has no provider configured
# No token needed, but a token that is sent must still be current: an ended session's is refused.
OPEN: dict[str, object] = {"other_org": ALLOWED, "other_meeting": ALLOWED, "overrides": {"none": ALLOWED}}

ROWS: tuple[Row, ...] = (
    m("POST", "/api/v1/departments", ORGANISER, **OWN_ORG),
    m("GET", "/api/v1/departments", EVERYONE, other_org=ALLOWED, other_meeting=ALLOWED, note="of their organisation"),
    m("PATCH", "/api/v1/departments/{department_id}", ORGANISER, **ORG_ONLY),
    m("POST", "/api/v1/meetings", ORGANISER, **OWN_ORG),
    m("GET", "/api/v1/meetings", ORGANISER, **OWN_ORG),
    m("GET", MEETING, EVERYONE),
    m("POST", MEETING + "/duplicate", ORGANISER),
    m("GET", MEETING + "/bootstrap", EVERYONE - ORGANISER, note="a participant's page"),
    m("PATCH", MEETING, ORGANISER),
    m("POST", MEETING + "/schedule", ORGANISER),
    m("POST", MEETING + "/start", CHAIR),
    m("GET", MEETING + "/notification-policy", STAFF),
    m("PUT", MEETING + "/notification-policy", ORGANISER),
    m("GET", MEETING + "/agenda", EVERYONE),
    m("POST", MEETING + "/agenda", STAFF),
    m("PUT", MEETING + "/agenda/order", STAFF),
    m("PATCH", MEETING + "/agenda/{item_id}", STAFF),
    m("DELETE", MEETING + "/agenda/{item_id}", STAFF),
    m("POST", MEETING + "/participants", ORGANISER),
    m("POST", MEETING + "/participants:import", ORGANISER),
    m("POST", MEETING + "/participants:preview", ORGANISER),
    m("GET", MEETING + "/participants", EVERYONE, note="email: own, chair, secretary, organiser only"),
    m("GET", PERSON, EVERYONE, note="email: own, chair, secretary, organiser only"),
    m("PATCH", PERSON, ORGANISER),
    m("DELETE", PERSON, ORGANISER),
    m("POST", PERSON + "/invite", ORGANISER, note="ends the sessions of the old link"),
    m("DELETE", PERSON + "/invite", ORGANISER, note="ends the participant's sessions"),
    m("GET", MEETING + "/invitations", ORGANISER),
    m("GET", MEETING + "/attendance:export", STAFF),
    m("POST", MEETING + "/check-in:scanned", STAFF, note="the desk"),
    m("GET", MEETING + "/minutes", STAFF, note="the draft"),
    m("PUT", MEETING + "/minutes/summaries/{item_id}", STAFF),
    m("POST", MEETING + "/minutes/approve", CHAIR, note="once the meeting has begun"),
    m("GET", MEETING + "/minutes/versions", EVERYONE),
    m("GET", MEETING + "/minutes/versions/{version}", EVERYONE),
    m("POST", PERSON + "/calendar-feed", ORGANISER, note="and the participant themself"),
    m("DELETE", PERSON + "/calendar-feed", ORGANISER, note="and the participant themself"),
    m("POST", MEETING + "/invitations:send", ORGANISER),
    m("POST", "/api/v1/sessions", EVERYONE, public=True, note="with an invite code"),
    m("POST", PERSON + "/rsvp", ORGANISER, note="and the participant themself"),
    m("POST", PERSON + "/check-in", STAFF, note="and the participant themself"),
    m("POST", PERSON + "/check-out", STAFF, note="and the participant themself"),
    m("GET", MEETING + "/attendance", EVERYONE),
    m("POST", PERSON + "/proxy", ORGANISER, note="and the participant themself"),
    m("DELETE", PERSON + "/proxy", ORGANISER, note="and the participant themself"),
    m("POST", MEETING + "/contribution-requests", STAFF),
    m("GET", MEETING + "/contribution-requests", EVERYONE),
    m("POST", REQUEST + "/submissions", REPRESENTATIVE, moved_rep=403, note="of a department addressed"),
    m("POST", REQUEST + "/reminders", STAFF),
    m("GET", SUBMISSION, EVERYONE),
    m("PUT", SUBMISSION, REPRESENTATIVE, moved_rep=403, note="of the report's department"),
    m("GET", SUBMISSION + "/revisions", EVERYONE),
    m("GET", MEETING + "/contributions", EVERYONE),
    m("GET", MEETING + "/room", EVERYONE),
    m("POST", MEETING + "/room/item", STAFF),
    m("PUT", MEETING + "/room/projector", STAFF),
    m("GET", SPEAKERS, EVERYONE),
    m("GET", MEETING + "/speakers", EVERYONE),
    m("POST", SPEAKERS, STAFF, note="for anyone; every role but observer for themself"),
    m("DELETE", SPEAKER, STAFF, note="and the speaker themself"),
    *(m("POST", f"{SPEAKER}/{action}", STAFF) for action in ("start", "pause", "resume", "end")),
    m("POST", SPEAKERS + ":next", STAFF),
    m("PUT", SPEAKERS + "/order", STAFF),
    m("PATCH", MEETING + "/agenda/{item_id}/speaker-list", STAFF),
    m("POST", MEETING + "/displays", STAFF),
    m("GET", MEETING + "/displays", STAFF),
    m("DELETE", MEETING + "/displays/{display_id}", STAFF),
    m("GET", "/api/v1/display", EVERYONE, public=True, note="with a display link's code only"),
    m("POST", MEETING + "/motions", frozenset(ROLES) - {"observer"}, note="in their own name"),
    m("GET", MEETING + "/motions", EVERYONE),
    m("POST", MEETING + "/motions/{motion_id}/admit", CHAIR),
    m("POST", MEETING + "/motions/{motion_id}/reject", CHAIR),
    r("POST", MEETING + "/resolutions", STAFF),
    r("GET", MEETING + "/resolutions", EVERYONE),
    r("GET", "/api/v1/resolutions/{resolution_id}", EVERYONE),
    r("PATCH", "/api/v1/resolutions/{resolution_id}", STAFF),
    r("POST", "/api/v1/resolutions/{resolution_id}/amendments", VOTERS),
    r("GET", "/api/v1/resolutions/{resolution_id}/amendments", EVERYONE),
    r("POST", "/api/v1/amendments/{amendment_id}/accept", CHAIR),
    r("POST", "/api/v1/amendments/{amendment_id}/reject", CHAIR),
    r("POST", MEETING + "/polls", CHAIR),
    r("GET", "/api/v1/poll-presets", EVERYONE, note="no token needed", **OPEN),
    r("GET", MEETING + "/polls", EVERYONE),
    r("GET", MEETING + "/results", EVERYONE),
    r("GET", "/api/v1/polls/{poll_id}", EVERYONE),
    r("POST", "/api/v1/polls/{poll_id}/open", CHAIR),
    r("POST", "/api/v1/polls/{poll_id}/close", CHAIR),
    r("POST", "/api/v1/polls/{poll_id}/ballots", VOTERS, note="on the poll's roster"),
    r("GET", "/api/v1/polls/{poll_id}/votes-carried", EVERYONE - ORGANISER),
    r("GET", "/api/v1/polls/{poll_id}/result", EVERYONE),
    r("GET", "/api/v1/polls/{poll_id}/ballots", EVERYONE),
    r("GET", "/api/v1/polls/{poll_id}/receipts", EVERYONE),
    r("GET", "/api/v1/polls/{poll_id}/result:export", EVERYONE),
    r("GET", "/api/v1/polls/{poll_id}/ballots:export", EVERYONE),
    r("GET", "/api/v1/directives", EVERYONE, other_org=ALLOWED, other_meeting=ALLOWED, note="of what they see"),
    r("POST", "/api/v1/departments/{department_id}/calendar-feed", ORGANISER, **OWN_ORG, note="of their directives"),
    r("DELETE", "/api/v1/departments/{department_id}/calendar-feed", ORGANISER, **OWN_ORG, note="of their directives"),
    r("GET", "/api/v1/directives:export", EVERYONE, other_org=ALLOWED, other_meeting=ALLOWED, note="of what they see"),
    r("GET", "/api/v1/decisions:export", EVERYONE, other_org=ALLOWED, other_meeting=ALLOWED, note="of what they see"),
    r("GET", "/api/v1/directives/{directive_id}", EVERYONE),
    r("GET", "/api/v1/directives/{directive_id}/progress", EVERYONE),
    r(
        "PATCH",
        "/api/v1/directives/{directive_id}",
        ORGANISER | REPRESENTATIVE,
        moved_rep=403,
        note="of the responsible department",
    ),
    n("POST", "/api/v1/subscriptions", ORGANISER, **OWN_ORG),
    n("GET", "/api/v1/subscriptions", ORGANISER, **OWN_ORG),
    n("GET", SUBSCRIPTION, ORGANISER, **ORG_ONLY),
    n("PATCH", SUBSCRIPTION, ORGANISER, **ORG_ONLY),
    n("DELETE", SUBSCRIPTION, ORGANISER, **ORG_ONLY),
    n("POST", SUBSCRIPTION + "/rotate-secret", ORGANISER, **ORG_ONLY),
    n("GET", SUBSCRIPTION + "/deliveries", ORGANISER, **ORG_ONLY),
    n("GET", SUBSCRIPTION + "/deliveries/{delivery_id}", ORGANISER, **ORG_ONLY),
    n("POST", SUBSCRIPTION + "/deliveries/{delivery_id}/replay", ORGANISER, **ORG_ONLY),
    n("POST", SUBSCRIPTION + "/replay", ORGANISER, **ORG_ONLY),
    n("GET", "/api/v1/dead-letters", ORGANISER, **OWN_ORG),
    n("GET", MEETING + "/emails", ORGANISER, other_meeting=403),
    n("GET", MEETING + "/stream", EVERYONE, note="`access_token` accepted here only"),
    m("POST", "/auth/sign-in", EVERYONE, public=True, note="with an organiser's email and password"),
    m("GET", "/auth/session", ORGANISER, overrides=COOKIE_ONLY, note=COOKIE_NOTE),
    m("POST", "/auth/sign-out", EVERYONE, public=True, note="ends the cookie's session, if any"),
    m("POST", "/auth/sign-out-everywhere", ORGANISER, overrides=COOKIE_ONLY, note=COOKIE_NOTE),
    m("POST", "/auth/token", ORGANISER, overrides=COOKIE_ONLY, note=COOKIE_NOTE),
    m("POST", "/auth/password-reset", EVERYONE, public=True, note="202 whatever the address"),
    m(
        "POST",
        "/auth/password-reset/complete",
        ORGANISER,
        overrides=dict.fromkeys(CALLERS, 410),
        note="with the emailed link only (here: a spent one)",
    ),
    m("GET", "/auth/oidc/start", EVERYONE, overrides=NO_SSO, note="single sign-on, when configured"),
    m("GET", "/auth/oidc/callback", EVERYONE, overrides=NO_SSO, note="single sign-on, when configured"),
    m("POST", "/api/v1/api-tokens", ORGANISER, **OWN_ORG),
    m("GET", "/api/v1/api-tokens", ORGANISER, **OWN_ORG),
    m("DELETE", "/api/v1/api-tokens/{token_id}", ORGANISER, **ORG_ONLY),
    *(
        n(method, "/notices/{token}", EVERYONE, note="no token needed: the link's signed token is the key", **OPEN)
        for method in ("GET", "POST")
    ),
    # last: they close the meeting for what follows
    m("POST", MEETING + "/end", CHAIR),
    m("POST", MEETING + "/cancel", ORGANISER),
)


def mark(cell: Cell) -> str:
    return "✓" if cell == ALLOWED else str(cell)


def readme_table() -> str:
    """The README's "who may do what" table, from the rows."""
    head = ["service", "operation", *(SHORT[c] for c in CALLERS), "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in ROWS:
        cells = [mark(row.expected(c)) for c in CALLERS]
        lines.append(f"| {row.service} | `{row.method} {row.path}` | " + " | ".join(cells) + f" | {row.note} |")
    return "\n".join(lines)
