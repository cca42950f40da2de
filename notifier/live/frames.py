"""What the live stream shows a meeting's participants and how one event is written as a Server-Sent
Events frame. Pure: no I/O."""

from __future__ import annotations

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


def frame(seq: int, event_type: str, payload: bytes) -> bytes:
    return f"id: {seq}\nevent: {event_type}\ndata: ".encode() + payload + b"\n\n"
