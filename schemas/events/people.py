"""Participants, attendance, proxies, and an organiser's password reset."""

from __future__ import annotations

import datetime as dt
import uuid

from schemas.events.base import Event, Language, Role, Rsvp


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
    """The participant left the roster, for good: every credential issued to them ends (sessions, their
    calendar feed, the display links they made, the notice-settings links of their emails)."""

    participant_id: uuid.UUID


class ParticipantSessionsEnded(Event, frozen=True, kw_only=True, tag="participant.sessions_ended"):
    """The participant's invite was revoked or reissued: every credential issued under generations below
    `epoch` ends, in any service: session tokens, the calendar feed, the display links made with a
    session, and the notice-settings links of the emails sent before (the notifier keeps the highest
    `epoch` it has seen, so a redelivery or an older generation arriving late changes nothing)."""

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
