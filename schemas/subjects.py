"""Streams and subjects: `<stream prefix>.<meeting_id>.<event type>`, optionally under a namespace.

A namespace (e.g. one per test, or per tenant cluster) prefixes every subject and stream name so
several independent deployments can share one NATS server.
"""

from __future__ import annotations

import uuid

import msgspec
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig

from schemas.events import Event


class Stream(msgspec.Struct, frozen=True):
    name: str
    prefix: str
    # event type families (the part of the tag before the dot) published on this stream
    families: frozenset[str]


MEETINGS = Stream(
    "MEETINGS",
    "meeting",
    frozenset(
        {
            "meeting",
            "agenda",
            "participant",
            "proxy",
            "contribution",
            "organiser",
            "speaker",
            "room",
            "motion",
            "minutes",
            "department",
        }
    ),
)
RESOLUTIONS = Stream("RESOLUTIONS", "resolution", frozenset({"resolution", "amendment", "poll", "directive"}))
# The notifier's own facts: what became of what it was asked to deliver.
DELIVERIES = Stream("DELIVERIES", "delivery", frozenset({"invitation"}))
STREAMS = (MEETINGS, RESOLUTIONS, DELIVERIES)

DUPLICATE_WINDOW_S = 120.0
# How long a stream keeps an event (STREAM_MAX_AGE_S): long enough for a consumer that was down over a
# holiday to catch up, short enough that the bus is not an archive. The databases are the record.
DEFAULT_MAX_AGE_S = 14 * 86400.0


def stream_of(event_type: str) -> Stream:
    family = event_type.split(".", 1)[0]
    for stream in STREAMS:
        if family in stream.families:
            return stream
    raise ValueError(f"no stream carries events of type {event_type!r}")


class Subjects(msgspec.Struct, frozen=True):
    namespace: str = ""

    def _p(self, s: str) -> str:
        return f"{self.namespace}.{s}" if self.namespace else s

    def stream_name(self, stream: Stream) -> str:
        return f"{self.namespace.upper().replace('.', '_')}_{stream.name}" if self.namespace else stream.name

    def for_event(self, event: Event) -> str:
        stream = stream_of(event.event_type)
        return self._p(f"{stream.prefix}.{event.meeting_id}.{event.event_type}")

    def all_of(self, stream: Stream) -> str:
        return self._p(f"{stream.prefix}.>")

    def meeting(self, stream: Stream, meeting_id: uuid.UUID) -> str:
        return self._p(f"{stream.prefix}.{meeting_id}.>")

    def meeting_position(self) -> str:
        """Core NATS request/reply (not a stream): meeting_svc answers with a meeting's latest meeting_seq."""
        return self._p("internal.meeting_position")

    def of_type(self, stream: Stream, event_type: str) -> str:
        return self._p(f"{stream.prefix}.*.{event_type}")

    def stream_config(self, stream: Stream, replicas: int = 1, max_age_s: float = DEFAULT_MAX_AGE_S) -> StreamConfig:
        return StreamConfig(
            name=self.stream_name(stream),
            subjects=[self.all_of(stream)],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            discard=DiscardPolicy.OLD,
            num_replicas=replicas,
            duplicate_window=DUPLICATE_WINDOW_S,
            max_age=max_age_s,
            # the outbox relay publishes in atomic batches: one disk sync for many events (schemas.bus.outbox)
            allow_atomic=True,
        )
