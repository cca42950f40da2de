"""The event catalogue: every fact one service tells the others.

Each event is a frozen msgspec Struct in one tagged union (`type` is the tag). The envelope fields
come first; the typed payload follows. Consumers ignore fields they do not know, so adding an
optional field is safe; removing or retyping one needs a new `schema_version`.

The events are written by family (meetings, room, people, organisation, contributions, resolutions,
record, deliveries) on the envelope in `base`; this module gathers them into the one union consumers decode.
"""

from __future__ import annotations

from schemas.events.base import (
    NO_MEETING,
    SCHEMA_VERSION,
    VOTING_ROLES,
    AgendaKind,
    Bilingual,
    DirectiveStatus,
    Event,
    Language,
    Outcome,
    Role,
    Rsvp,
)
from schemas.events.contributions import (
    ContributionOverdue,
    ContributionReminded,
    ContributionRequested,
    ContributionRevised,
    ContributionSubmitted,
    Submission,
)
from schemas.events.deliveries import InvitationBounced
from schemas.events.meetings import (
    AgendaItem,
    AgendaItemAdded,
    AgendaItemEnded,
    AgendaItemRemoved,
    AgendaItemStarted,
    AgendaItemUpdated,
    AgendaReordered,
    MeetingCancelled,
    MeetingCreated,
    MeetingEnded,
    MeetingFacts,
    MeetingRescheduled,
    MeetingScheduled,
    MeetingStarted,
    MeetingUpdated,
    Venue,
)
from schemas.events.organisation import DepartmentDefined, DepartmentFacts, DepartmentRenamed
from schemas.events.people import (
    Attendance,
    CheckedIn,
    CheckedOut,
    InvitationSent,
    ParticipantFacts,
    ParticipantInvited,
    ParticipantRemoved,
    ParticipantSessionsEnded,
    ParticipantUpdated,
    PasswordResetRequested,
    ProxyGranted,
    ProxyRevoked,
    RsvpRecorded,
)
from schemas.events.record import MinutesPublished
from schemas.events.resolutions import (
    AmendmentAccepted,
    AmendmentProposed,
    AmendmentRejected,
    Directive,
    DirectiveIssued,
    DirectiveOverdue,
    DirectiveStatusChanged,
    OptionTally,
    PassageChange,
    PollClosed,
    PollCreated,
    PollOpened,
    PollResult,
    ResolutionAdopted,
    ResolutionAmended,
    ResolutionDrafted,
    ResolutionRejected,
    TurnoutChanged,
)
from schemas.events.room import (
    MotionAdmitted,
    MotionFacts,
    MotionKind,
    MotionPreset,
    MotionProposed,
    MotionRejected,
    ProjectorChanged,
    Speaker,
    SpeakerEnded,
    SpeakerEvent,
    SpeakerKind,
    SpeakerListChanged,
    SpeakerPaused,
    SpeakerRequested,
    SpeakerResumed,
    SpeakersReordered,
    SpeakerStarted,
    SpeakerStatus,
    SpeakerWithdrawn,
)

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
    | InvitationBounced
    | PasswordResetRequested
    | ParticipantUpdated
    | ParticipantRemoved
    | ParticipantSessionsEnded
    | RsvpRecorded
    | CheckedIn
    | CheckedOut
    | ProxyGranted
    | ProxyRevoked
    | DepartmentDefined
    | DepartmentRenamed
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

EVENT_TYPES: dict[str, type[Event]] = {cls.__struct_config__.tag: cls for cls in AnyEvent.__args__}

__all__ = [
    "EVENT_TYPES",
    "NO_MEETING",
    "SCHEMA_VERSION",
    "VOTING_ROLES",
    "AgendaItem",
    "AgendaItemAdded",
    "AgendaItemEnded",
    "AgendaItemRemoved",
    "AgendaItemStarted",
    "AgendaItemUpdated",
    "AgendaKind",
    "AgendaReordered",
    "AmendmentAccepted",
    "AmendmentProposed",
    "AmendmentRejected",
    "AnyEvent",
    "Attendance",
    "Bilingual",
    "CheckedIn",
    "CheckedOut",
    "ContributionOverdue",
    "ContributionReminded",
    "ContributionRequested",
    "ContributionRevised",
    "ContributionSubmitted",
    "DepartmentDefined",
    "DepartmentFacts",
    "DepartmentRenamed",
    "Directive",
    "DirectiveIssued",
    "DirectiveOverdue",
    "DirectiveStatus",
    "DirectiveStatusChanged",
    "Event",
    "InvitationBounced",
    "InvitationSent",
    "Language",
    "MeetingCancelled",
    "MeetingCreated",
    "MeetingEnded",
    "MeetingFacts",
    "MeetingRescheduled",
    "MeetingScheduled",
    "MeetingStarted",
    "MeetingUpdated",
    "MinutesPublished",
    "MotionAdmitted",
    "MotionFacts",
    "MotionKind",
    "MotionPreset",
    "MotionProposed",
    "MotionRejected",
    "OptionTally",
    "Outcome",
    "ParticipantFacts",
    "ParticipantInvited",
    "ParticipantRemoved",
    "ParticipantSessionsEnded",
    "ParticipantUpdated",
    "PassageChange",
    "PasswordResetRequested",
    "PollClosed",
    "PollCreated",
    "PollOpened",
    "PollResult",
    "ProjectorChanged",
    "ProxyGranted",
    "ProxyRevoked",
    "ResolutionAdopted",
    "ResolutionAmended",
    "ResolutionDrafted",
    "ResolutionRejected",
    "Role",
    "Rsvp",
    "RsvpRecorded",
    "Speaker",
    "SpeakerEnded",
    "SpeakerEvent",
    "SpeakerKind",
    "SpeakerListChanged",
    "SpeakerPaused",
    "SpeakerRequested",
    "SpeakerResumed",
    "SpeakerStarted",
    "SpeakerStatus",
    "SpeakerWithdrawn",
    "SpeakersReordered",
    "Submission",
    "TurnoutChanged",
    "Venue",
]
