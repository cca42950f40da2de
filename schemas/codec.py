"""JSON encoding of events, and the one way to build a new event."""

from __future__ import annotations

import contextvars
import datetime as dt
import uuid
from typing import Any, TypeVar

import msgspec
import uuid_utils

from schemas.events import AnyEvent, Event

E = TypeVar("E", bound=Event)

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(AnyEvent)

# Set by the HTTP middleware (or by a consumer for the event it handles) so every event a request
# causes carries the request's correlation id without threading it through every call.
correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)

DecodeError = msgspec.DecodeError


def new_id() -> uuid.UUID:
    """A UUIDv7: time-ordered, so ids index well and sort by creation."""
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)


def new_event(cls: type[E], *, meeting_id: uuid.UUID, actor: str | None = None, **payload: Any) -> E:
    return cls(
        id=new_id(),
        occurred_at=dt.datetime.now(dt.UTC),
        meeting_id=meeting_id,
        correlation_id=correlation_id.get(),
        actor=actor,
        **payload,
    )


def encode(event: Event) -> bytes:
    return _encoder.encode(event)


def decode(data: bytes) -> Event:
    """Decode any event in the catalogue; raises DecodeError (a ValidationError is one) otherwise."""
    return _decoder.decode(data)
