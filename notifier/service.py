"""The notifier's rules not yet in a channel's package, free of HTTP and SQL: what the live stream
shows, and which fields never leave the notifier."""

from __future__ import annotations

from typing import Any

import msgspec

from schemas.events import Event

# Fields that carry a credential, even sealed: emailed to their owner, never sent to webhooks or
# browsers, never stored in the event log. (`invite_url` is from events published before links were sealed.)
CREDENTIAL_FIELDS = frozenset({"invite_url", "sealed_link"})

# What the live stream shows a meeting's participants.
LIVE_TYPES = frozenset(
    {
        "meeting.updated",
        "meeting.rescheduled",
        "meeting.cancelled",
        "meeting.started",
        "meeting.ended",
        "agenda.item_added",
        "agenda.item_updated",
        "agenda.item_removed",
        "agenda.reordered",
        "agenda.item_started",
        "agenda.item_ended",
        "speaker.requested",
        "speaker.withdrawn",
        "speaker.started",
        "speaker.paused",
        "speaker.resumed",
        "speaker.ended",
        "speaker.list_reordered",
        "speaker.list_changed",
        "room.projector_changed",
        "motion.proposed",
        "motion.admitted",
        "motion.rejected",
        "participant.checked_in",
        "participant.checked_out",
        "poll.created",
        "poll.opened",
        "poll.turnout_changed",
        "poll.closed",
        # amendments are read by everyone in the meeting: their pages show them under the resolution
        "resolution.amended",
        "amendment.proposed",
        "amendment.accepted",
        "amendment.rejected",
        "resolution.adopted",
        "resolution.rejected",
        "directive.issued",
        "directive.status_changed",
    }
)


def public_payload(event: Event) -> bytes:
    """The event as JSON with credentials removed: the body of webhooks and live-stream frames."""
    data: dict[str, Any] = msgspec.to_builtins(event)
    for name in CREDENTIAL_FIELDS:
        data.pop(name, None)
    return msgspec.json.encode(data)
