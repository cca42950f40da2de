from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from schemas import DecodeError, Subjects, decode, encode
from schemas.asyncapi import render
from schemas.events import EVENT_TYPES, MeetingStarted
from tests.samples import sample_event

DOCS = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.yaml"


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_every_event_type_round_trips(event_type: str) -> None:
    event = sample_event(event_type)
    data = encode(event)
    assert json.loads(data)["type"] == event_type
    assert decode(data) == event


def test_unknown_extra_field_is_ignored() -> None:
    event = sample_event("participant.checked_in")
    raw = json.loads(encode(event))
    raw["seat_number"] = "A12"
    raw["nested_future"] = {"anything": [1, 2]}
    assert decode(json.dumps(raw).encode()) == event


@pytest.mark.parametrize(
    "data",
    [b"{not json", b"", b"[]", b'{"type": "meeting.exploded", "id": "x"}', b'{"type": "meeting.started"}'],
)
def test_malformed_or_unknown_is_a_decode_error(data: bytes) -> None:
    with pytest.raises(DecodeError):
        decode(data)


def test_subject_carries_stream_meeting_and_type() -> None:
    event = sample_event("poll.closed")
    assert Subjects().for_event(event) == f"resolution.{event.meeting_id}.poll.closed"
    assert Subjects("t1").for_event(event) == f"t1.resolution.{event.meeting_id}.poll.closed"
    started = sample_event("meeting.started")
    assert isinstance(started, MeetingStarted)
    assert Subjects().for_event(started).startswith("meeting.")


def test_events_are_frozen() -> None:
    event = sample_event("meeting.started")
    with pytest.raises(AttributeError):
        event.actor = "someone"  # type: ignore[misc]


def test_every_event_type_is_documented_in_asyncapi() -> None:
    doc = yaml.safe_load(DOCS.read_text(encoding="utf-8"))
    documented = {m["name"] for m in doc["components"]["messages"].values()}
    missing = sorted(set(EVENT_TYPES) - documented)
    assert not missing, f"event types missing from docs/asyncapi.yaml: {missing}"


def test_asyncapi_document_is_generated_from_the_code() -> None:
    assert DOCS.read_text(encoding="utf-8") == render(), "run `python -m schemas.asyncapi` and commit the result"
