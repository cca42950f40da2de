"""What leaves the notifier to webhooks and browsers (no credential) and how the live stream writes it."""

from __future__ import annotations

import uuid

import msgspec

from notifier.event_log import CREDENTIAL_FIELDS, public_payload
from notifier.live.frames import LIVE_TYPES, frame
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import EVENT_TYPES


def test_an_invitations_sealed_link_never_leaves_the_notifier() -> None:
    sent = new_event(
        ev.InvitationSent,
        meeting_id=uuid.uuid4(),
        participant_id=uuid.uuid4(),
        sealed_link="c2VhbGVk",
    )
    body = msgspec.json.decode(public_payload(sent))
    assert not CREDENTIAL_FIELDS & set(body)
    assert body["participant_id"] == str(sent.participant_id)


def test_the_live_stream_shows_known_events_and_never_an_invitation() -> None:
    assert LIVE_TYPES <= set(EVENT_TYPES)
    assert "participant.invitation_sent" not in LIVE_TYPES and "poll.closed" in LIVE_TYPES


def test_a_frame_is_numbered_for_last_event_id() -> None:
    assert frame(7, "poll.closed", b'{"a":1}') == b'id: 7\nevent: poll.closed\ndata: {"a":1}\n\n'
