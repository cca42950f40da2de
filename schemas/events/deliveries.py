"""What the notifier learned delivering what the others asked it to send (its own stream, DELIVERIES)."""

from __future__ import annotations

import uuid

from schemas.events.base import Event


class InvitationBounced(Event, frozen=True, kw_only=True, tag="invitation.bounced"):
    """An invitation email could not be delivered: the recipient's mail server refused it for good
    (a 5xx answer to RCPT or DATA), or every retry of the schedule failed. `invitation_id` is the id
    of the `participant.invitation_sent` event that ordered that email, so a bounce of an older send
    can be told from one of the latest. `reason` is the mail server's answer (or the last error).
    Delivery reports that come back later by email (DSNs) are not read."""

    participant_id: uuid.UUID
    invitation_id: uuid.UUID
    reason: str
