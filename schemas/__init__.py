"""The event contract shared by every service: event types, subjects, codec and bus helpers."""

from schemas.codec import DecodeError, correlation_id, decode, encode, new_event, new_id
from schemas.events import EVENT_TYPES, AnyEvent, Event
from schemas.subjects import DELIVERIES, MEETINGS, RESOLUTIONS, STREAMS, Stream, Subjects, stream_of

__all__ = [
    "DELIVERIES",
    "EVENT_TYPES",
    "MEETINGS",
    "RESOLUTIONS",
    "STREAMS",
    "AnyEvent",
    "DecodeError",
    "Event",
    "Stream",
    "Subjects",
    "correlation_id",
    "decode",
    "encode",
    "new_event",
    "new_id",
    "stream_of",
]
