"""The event catalogue: every fact one service tells the others.

Each event is a frozen msgspec Struct in one tagged union (`type` is the tag). The envelope fields
come first; the typed payload follows. Consumers ignore fields they do not know, so adding an
optional field is safe; removing or retyping one needs a new `schema_version`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

import msgspec

from schemas.notices import Notice

SCHEMA_VERSION = 1
# The envelope's meeting for events about no meeting (an organiser's password reset).
NO_MEETING = uuid.UUID(int=0)

# A participant's role in one meeting. Organisers are not participants: their power comes from an
# organiser API token only (a participant role "organiser" existed once and was migrated to observer).
Role = Literal["chair", "secretary", "voting_member", "department_representative", "observer"]
# Roles whose holders are on a poll's roster (with weight > 0). Observers and secretaries never vote;
# meeting_svc (proxies) and resolution_svc (roster snapshot) both apply this rule.
VOTING_ROLES: frozenset[str] = frozenset({"chair", "voting_member", "department_representative"})
Language = Literal["vi", "en"]
Rsvp = Literal["attending", "declined", "tentative"]
AgendaKind = Literal["report", "contribution", "discussion", "vote", "other"]
DirectiveStatus = Literal["not_started", "in_progress", "done", "blocked"]
Outcome = Literal["adopted", "rejected", "no_quorum"]


class Bilingual(msgspec.Struct, frozen=True, kw_only=True):
    """A text in Vietnamese and English; either may be empty but not both."""

    vi: str = ""
    en: str = ""


class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Envelope shared by every event."""

    id: uuid.UUID
    occurred_at: dt.datetime
    meeting_id: uuid.UUID
    schema_version: int = SCHEMA_VERSION
    correlation_id: str | None = None
    actor: str | None = None
    # meeting_svc numbers its events of each meeting 1, 2, 3… in commit order (docs/consistency.md): the
    # version read models compare per entity, and the position a barrier waits for. None on other events.
    meeting_seq: int | None = None

    @property
    def event_type(self) -> str:
        return type(self).__struct_config__.tag  # type: ignore[return-value]


# --- meetings -----------------------------------------------------------------------------------


class Venue(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    address: str = ""


class MeetingFacts(Event, frozen=True, kw_only=True):
    organisation_id: uuid.UUID
    title: Bilingual
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    status: str
    venue: Venue | None = None
    online_url: str | None = None
    # A meeting recorded after the fact: nobody is emailed about it.
    record_only: bool = False
    # False: participants cannot check themselves in; check-in happens at the desk.
    self_check_in: bool = True
    # The organiser's rules per kind of notice (schemas.notices); None or a kind left out: the default.
    notification_policy: dict[str, Notice] | None = None


class MeetingCreated(MeetingFacts, frozen=True, kw_only=True, tag="meeting.created"):
    pass


class MeetingScheduled(MeetingFacts, frozen=True, kw_only=True, tag="meeting.scheduled"):
    pass


class MeetingUpdated(MeetingFacts, frozen=True, kw_only=True, tag="meeting.updated"):
    pass


class MeetingRescheduled(MeetingFacts, frozen=True, kw_only=True, tag="meeting.rescheduled"):
    previous_starts_at: dt.datetime
    previous_ends_at: dt.datetime


class MeetingCancelled(Event, frozen=True, kw_only=True, tag="meeting.cancelled"):
    reason: str = ""


class MeetingStarted(Event, frozen=True, kw_only=True, tag="meeting.started"):
    pass


class MeetingEnded(Event, frozen=True, kw_only=True, tag="meeting.ended"):
    pass


# --- agenda -------------------------------------------------------------------------------------


class AgendaItem(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    position: int
    title: Bilingual
    kind: AgendaKind
    presenter: str | None = None
    planned_minutes: int | None = None
    contribution_request_id: uuid.UUID | None = None
    resolution_id: uuid.UUID | None = None


class AgendaItemAdded(Event, frozen=True, kw_only=True, tag="agenda.item_added"):
    item: AgendaItem


class AgendaItemUpdated(Event, frozen=True, kw_only=True, tag="agenda.item_updated"):
    item: AgendaItem


class AgendaItemRemoved(Event, frozen=True, kw_only=True, tag="agenda.item_removed"):
    item_id: uuid.UUID


class AgendaReordered(Event, frozen=True, kw_only=True, tag="agenda.reordered"):
    item_ids: list[uuid.UUID]


class AgendaItemStarted(Event, frozen=True, kw_only=True, tag="agenda.item_started"):
    """The room moved to this item: it is the meeting's current item from `started_at`."""

    item_id: uuid.UUID
    started_at: dt.datetime
    planned_minutes: int | None = None


class AgendaItemEnded(Event, frozen=True, kw_only=True, tag="agenda.item_ended"):
    """The room left this item (next, previous, jump, or the meeting ended)."""

    item_id: uuid.UUID
    started_at: dt.datetime
    ended_at: dt.datetime


# --- the room: lists of speakers, the projector ----------------------------------------------------

SpeakerKind = Literal["contribution", "pro", "contra", "point_of_order", "reply"]
SpeakerStatus = Literal["waiting", "speaking", "paused", "done", "withdrawn"]


class Speaker(msgspec.Struct, frozen=True, kw_only=True):
    """One entry of an item's list of speakers, as it stands after the event. A countdown is derived
    from the stored times: remaining = allotted - (now - started_at - paused_seconds - time paused now)."""

    id: uuid.UUID
    item_id: uuid.UUID
    participant_id: uuid.UUID
    name: str
    department_id: uuid.UUID | None = None
    kind: SpeakerKind
    status: SpeakerStatus
    requested_at: dt.datetime
    started_at: dt.datetime | None = None
    paused_at: dt.datetime | None = None
    paused_seconds: float = 0.0
    ended_at: dt.datetime | None = None
    allotted_seconds: int | None = None


class SpeakerEvent(Event, frozen=True, kw_only=True):
    speaker: Speaker


class SpeakerRequested(SpeakerEvent, frozen=True, kw_only=True, tag="speaker.requested"):
    """A participant asked to speak (or the chair put someone on the list: `actor` says who)."""


class SpeakerWithdrawn(SpeakerEvent, frozen=True, kw_only=True, tag="speaker.withdrawn"):
    pass


class SpeakerStarted(SpeakerEvent, frozen=True, kw_only=True, tag="speaker.started"):
    pass


class SpeakerPaused(SpeakerEvent, frozen=True, kw_only=True, tag="speaker.paused"):
    pass


class SpeakerResumed(SpeakerEvent, frozen=True, kw_only=True, tag="speaker.resumed"):
    pass


class SpeakerEnded(SpeakerEvent, frozen=True, kw_only=True, tag="speaker.ended"):
    pass


class SpeakersReordered(Event, frozen=True, kw_only=True, tag="speaker.list_reordered"):
    item_id: uuid.UUID
    speaker_ids: list[uuid.UUID]  # the waiting speakers, in their new order


class SpeakerListChanged(Event, frozen=True, kw_only=True, tag="speaker.list_changed"):
    """The list was closed, reopened or its rules changed."""

    item_id: uuid.UUID
    closed: bool
    allow_repeat: bool
    speaking_seconds: int | None = None
    department_budgets: dict[str, int] = {}  # department id -> seconds for the item


class ProjectorChanged(Event, frozen=True, kw_only=True, tag="room.projector_changed"):
    """What the chair put on the room's screen."""

    mode: Literal["item", "speakers", "vote"]


# --- motions from the floor -------------------------------------------------------------------------

MotionKind = Literal["procedural", "amendment"]
# How an admitted motion's poll decides (resolution_svc turns a preset into the poll's rules):
# simple_majority: more than half of the votes cast; two_thirds: at least 2/3 of the votes cast;
# absolute_majority: more than half of all eligible weight.
MotionPreset = Literal["simple_majority", "two_thirds", "absolute_majority"]


class MotionFacts(Event, frozen=True, kw_only=True):
    motion_id: uuid.UUID
    item_id: uuid.UUID | None = None
    proposer_id: uuid.UUID
    kind: MotionKind
    text: Bilingual
    resolution_id: uuid.UUID | None = None  # the resolution an amendment would change


class MotionProposed(MotionFacts, frozen=True, kw_only=True, tag="motion.proposed"):
    pass


class MotionAdmitted(MotionFacts, frozen=True, kw_only=True, tag="motion.admitted"):
    """The chair admitted the motion: resolution_svc prepares its poll (a draft, id = motion_id) at once."""

    preset: MotionPreset
    secret: bool = False


class MotionRejected(MotionFacts, frozen=True, kw_only=True, tag="motion.rejected"):
    """The chair did not admit the motion (out of order, not seconded)."""


# --- participants and attendance ----------------------------------------------------------------


class ParticipantFacts(Event, frozen=True, kw_only=True):
    participant_id: uuid.UUID
    name: str
    email: str | None = None
    role: Role
    weight: int = 1
    department_id: uuid.UUID | None = None
    # The block the department belongs to (departments are two levels): a directive to a block
    # concerns the people of its departments too.
    block_id: uuid.UUID | None = None
    language: Language = "vi"


class ParticipantInvited(ParticipantFacts, frozen=True, kw_only=True, tag="participant.invited"):
    """A participant joined the roster. Never carries the personal link (a credential): see
    `participant.invitation_sent`. (Until November 2026 an optional `invite_url` was here in clear.)"""


class InvitationSent(Event, frozen=True, kw_only=True, tag="participant.invitation_sent"):
    """The organiser's invitation to one participant is to be emailed now (the meeting was scheduled,
    or the organiser sent or resent invitations). `sealed_link` is the personal invite link sealed
    to the notifier's key (libsodium crypto_box from an ephemeral key, URL-safe base64; see
    servicekit.sealed): only the notifier can open it, every other reader of the bus sees
    ciphertext. Empty when meeting_svc has no notifier key."""

    participant_id: uuid.UUID
    sealed_link: str = ""
    resend: bool = False


class PasswordResetRequested(Event, frozen=True, kw_only=True, tag="organiser.password_reset_requested"):
    """An organiser asked to reset their password: the notifier emails them the link. About no meeting:
    `meeting_id` is the nil UUID, and the event never reaches webhooks or live streams. `sealed_link` is
    the single-use reset link sealed to the notifier's key like an invitation's (servicekit.sealed)."""

    organisation_id: uuid.UUID
    organiser_id: uuid.UUID
    name: str
    email: str
    language: Language = "vi"
    sealed_link: str
    expires_at: dt.datetime


class ParticipantUpdated(ParticipantFacts, frozen=True, kw_only=True, tag="participant.updated"):
    pass


class ParticipantRemoved(Event, frozen=True, kw_only=True, tag="participant.removed"):
    participant_id: uuid.UUID


class ParticipantSessionsEnded(Event, frozen=True, kw_only=True, tag="participant.sessions_ended"):
    """The participant's invite was revoked or reissued: their session tokens of generations below
    `epoch` no longer work, in any service."""

    participant_id: uuid.UUID
    epoch: int


class RsvpRecorded(Event, frozen=True, kw_only=True, tag="participant.rsvp_recorded"):
    participant_id: uuid.UUID
    response: Rsvp


class Attendance(Event, frozen=True, kw_only=True):
    participant_id: uuid.UUID
    present_count: int
    present_weight: int


class CheckedIn(Attendance, frozen=True, kw_only=True, tag="participant.checked_in"):
    pass


class CheckedOut(Attendance, frozen=True, kw_only=True, tag="participant.checked_out"):
    pass


class ProxyGranted(Event, frozen=True, kw_only=True, tag="proxy.granted"):
    principal_id: uuid.UUID
    holder_id: uuid.UUID


class ProxyRevoked(Event, frozen=True, kw_only=True, tag="proxy.revoked"):
    principal_id: uuid.UUID
    holder_id: uuid.UUID


# --- department contributions -------------------------------------------------------------------


class ContributionRequested(Event, frozen=True, kw_only=True, tag="contribution.requested"):
    request_id: uuid.UUID
    department_ids: list[uuid.UUID]
    topic: Bilingual
    guidance: str = ""
    deadline: dt.datetime
    allow_late: bool = False


class Submission(Event, frozen=True, kw_only=True):
    request_id: uuid.UUID
    submission_id: uuid.UUID
    department_id: uuid.UUID
    title: str
    revision: int
    late: bool = False


class ContributionSubmitted(Submission, frozen=True, kw_only=True, tag="contribution.submitted"):
    pass


class ContributionRevised(Submission, frozen=True, kw_only=True, tag="contribution.revised"):
    pass


class ContributionOverdue(Event, frozen=True, kw_only=True, tag="contribution.overdue"):
    request_id: uuid.UUID
    department_id: uuid.UUID
    deadline: dt.datetime


class ContributionReminded(Event, frozen=True, kw_only=True, tag="contribution.reminded"):
    """The secretariat reminded these departments (those without a report, unless it chose) of a request."""

    request_id: uuid.UUID
    department_ids: list[uuid.UUID]
    deadline: dt.datetime


# --- resolutions, amendments, polls -------------------------------------------------------------


class Directive(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    title: Bilingual
    description: str = ""
    department_ids: list[uuid.UUID]
    due_date: dt.date | None = None
    priority: Literal["low", "normal", "high"] = "normal"


class ResolutionDrafted(Event, frozen=True, kw_only=True, tag="resolution.drafted"):
    resolution_id: uuid.UUID
    title: Bilingual
    text: Bilingual
    directives: list[Directive] = []


class ResolutionAmended(Event, frozen=True, kw_only=True, tag="resolution.amended"):
    resolution_id: uuid.UUID
    version: int
    title: Bilingual
    text: Bilingual
    directives: list[Directive] = []
    amendment_id: uuid.UUID | None = None


class PassageChange(msgspec.Struct, frozen=True, kw_only=True):
    """One part of a resolution's text in one language, as it stood in the amendment's base version
    (`start`..`end` in that text), and what replaces it."""

    language: Language
    start: int
    end: int
    original: str
    replacement: str


class AmendmentProposed(Event, frozen=True, kw_only=True, tag="amendment.proposed"):
    amendment_id: uuid.UUID
    resolution_id: uuid.UUID
    proposer_id: uuid.UUID
    text: Bilingual  # the whole text as the amendment would make it of the base version
    base_version: int | None = None  # the resolution's version it was written against
    changes: list[PassageChange] = []  # the parts it changes; merged one by one when accepted


class AmendmentAccepted(Event, frozen=True, kw_only=True, tag="amendment.accepted"):
    amendment_id: uuid.UUID
    resolution_id: uuid.UUID
    version: int | None = None  # the resolution's version with the amendment merged


class AmendmentRejected(Event, frozen=True, kw_only=True, tag="amendment.rejected"):
    amendment_id: uuid.UUID
    resolution_id: uuid.UUID
    # "conflict": adopted by a vote, but a part it changes had changed since its base version
    reason: str | None = None


class PollCreated(Event, frozen=True, kw_only=True, tag="poll.created"):
    """A poll prepared (still a draft), so the chair's page and the projector list it at once."""

    poll_id: uuid.UUID
    question: Bilingual
    options: list[str]
    secret: bool
    motion: str
    resolution_id: uuid.UUID | None = None
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None


class PollOpened(Event, frozen=True, kw_only=True, tag="poll.opened"):
    poll_id: uuid.UUID
    question: Bilingual
    options: list[str]
    secret: bool
    closes_at: dt.datetime | None = None
    eligible_count: int
    eligible_weight: int
    resolution_id: uuid.UUID | None = None
    # the roster counts every meeting_svc event of the meeting up to this meeting_seq
    meeting_position: int | None = None


class TurnoutChanged(Event, frozen=True, kw_only=True, tag="poll.turnout_changed"):
    """Counts only: never who voted, so it is safe for secret polls too."""

    poll_id: uuid.UUID
    voted_count: int
    voted_weight: int
    eligible_count: int
    eligible_weight: int


class OptionTally(msgspec.Struct, frozen=True, kw_only=True):
    option: str
    count: int
    weight: int


class PollResult(msgspec.Struct, frozen=True, kw_only=True):
    tallies: list[OptionTally]
    base: str
    base_weight: int
    threshold: str
    required_weight: str  # an exact fraction, e.g. "40/3"
    quorum_met: bool
    outcome: Outcome
    # What the result was measured on (auditable): the roster, who was present when the poll closed,
    # who took part, the quorum rule applied and the figure compared with it.
    eligible_count: int = 0
    eligible_weight: int = 0
    present_count: int = 0
    present_weight: int = 0
    participating_count: int = 0
    participating_weight: int = 0
    quorum_rule: str | None = None  # e.g. "present weight >= 1/2 of eligible weight (50/1) and count >= 60"
    quorum_figures: list[str] = []  # e.g. ["present weight 100", "present count 100"]


class PollClosed(Event, frozen=True, kw_only=True, tag="poll.closed"):
    poll_id: uuid.UUID
    resolution_id: uuid.UUID | None = None
    result: PollResult
    # presence and the roster count every meeting_svc event of the meeting up to this meeting_seq
    meeting_position: int | None = None
    reason: Literal["chair", "schedule", "meeting_ended", "meeting_cancelled"] | None = None


class ResolutionAdopted(Event, frozen=True, kw_only=True, tag="resolution.adopted"):
    resolution_id: uuid.UUID
    poll_id: uuid.UUID
    title: Bilingual
    directives: list[Directive] = []


class ResolutionRejected(Event, frozen=True, kw_only=True, tag="resolution.rejected"):
    resolution_id: uuid.UUID
    poll_id: uuid.UUID
    outcome: Outcome


class DirectiveIssued(Event, frozen=True, kw_only=True, tag="directive.issued"):
    directive: Directive
    resolution_id: uuid.UUID


class DirectiveStatusChanged(Event, frozen=True, kw_only=True, tag="directive.status_changed"):
    directive_id: uuid.UUID
    status: DirectiveStatus
    note: str = ""
    # the department the report was made for (None: an organiser's own note) and its entry in the
    # directive's progress history; the author is the event's `actor`
    department_id: uuid.UUID | None = None
    progress_id: uuid.UUID | None = None


class DirectiveOverdue(Event, frozen=True, kw_only=True, tag="directive.overdue"):
    directive_id: uuid.UUID
    department_ids: list[uuid.UUID]
    due_date: dt.date


# --- the meeting's record -----------------------------------------------------------------------


class MinutesPublished(Event, frozen=True, kw_only=True, tag="minutes.published"):
    """The chair approved a version of the minutes: it is frozen and published. `content_hash` is the
    SHA-256 of the approved document (its Vietnamese and English HTML), printed in it and shown by the
    API, so a copy can be checked against the published one."""

    version: int
    content_hash: str
    approved_by: uuid.UUID | None = None


AnyEvent = (
    MeetingCreated
    | MeetingScheduled
    | MeetingUpdated
    | MeetingRescheduled
    | MeetingCancelled
    | MeetingStarted
    | MeetingEnded
    | AgendaItemAdded
    | AgendaItemUpdated
    | AgendaItemRemoved
    | AgendaReordered
    | AgendaItemStarted
    | AgendaItemEnded
    | SpeakerRequested
    | SpeakerWithdrawn
    | SpeakerStarted
    | SpeakerPaused
    | SpeakerResumed
    | SpeakerEnded
    | SpeakersReordered
    | SpeakerListChanged
    | ProjectorChanged
    | MotionProposed
    | MotionAdmitted
    | MotionRejected
    | ParticipantInvited
    | InvitationSent
    | PasswordResetRequested
    | ParticipantUpdated
    | ParticipantRemoved
    | ParticipantSessionsEnded
    | RsvpRecorded
    | CheckedIn
    | CheckedOut
    | ProxyGranted
    | ProxyRevoked
    | ContributionRequested
    | ContributionSubmitted
    | ContributionRevised
    | ContributionOverdue
    | ContributionReminded
    | ResolutionDrafted
    | ResolutionAmended
    | AmendmentProposed
    | AmendmentAccepted
    | AmendmentRejected
    | PollCreated
    | PollOpened
    | TurnoutChanged
    | PollClosed
    | ResolutionAdopted
    | ResolutionRejected
    | DirectiveIssued
    | DirectiveStatusChanged
    | DirectiveOverdue
    | MinutesPublished
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.__struct_config__.tag: cls  # type: ignore[misc]
    for cls in AnyEvent.__args__  # type: ignore[attr-defined]
}
