"""Generate `docs/asyncapi.yaml` (AsyncAPI 3.0) from the event Structs: `python -m schemas.asyncapi`.

The payload schemas come from msgspec's JSON Schema of the Structs, so the document cannot drift
from the code; a test regenerates it and compares.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import msgspec
import yaml

from schemas.events import EVENT_TYPES
from schemas.subjects import STREAMS, stream_of

DOC = Path(__file__).resolve().parent.parent / "docs" / "asyncapi.yaml"

PUBLISHERS = {"MEETINGS": "meeting_svc", "RESOLUTIONS": "resolution_svc", "DELIVERIES": "notifier"}


def _message_key(event_type: str) -> str:
    return event_type.replace(".", "_")


def build() -> dict[str, Any]:
    types = [EVENT_TYPES[t] for t in sorted(EVENT_TYPES)]
    schemas_, components = msgspec.json.schema_components(types, ref_template="#/components/schemas/{name}")
    messages: dict[str, Any] = {}
    for event_type, schema in zip(sorted(EVENT_TYPES), schemas_, strict=True):
        cls = EVENT_TYPES[event_type]
        messages[_message_key(event_type)] = {
            "name": event_type,
            "title": cls.__name__,
            "summary": (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else event_type,
            "contentType": "application/json",
            "headers": {"$ref": "#/components/schemas/NatsHeaders"},
            "payload": schema,
        }
    components["NatsHeaders"] = {
        "type": "object",
        "properties": {
            "Nats-Msg-Id": {"type": "string", "description": "The event id; JetStream drops duplicates by it."},
            "Correlation-Id": {"type": "string", "description": "Carried from the HTTP request that caused it."},
        },
    }
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for stream in STREAMS:
        key = stream.name.lower()
        channel_messages = {
            _message_key(t): {"$ref": f"#/components/messages/{_message_key(t)}"}
            for t in sorted(EVENT_TYPES)
            if stream_of(t) is stream
        }
        channels[key] = {
            "address": f"{stream.prefix}.{{meetingId}}.{{eventType}}",
            "title": f"JetStream stream {stream.name}",
            "description": (
                f"File-backed stream `{stream.name}` with subjects `{stream.prefix}.>`. Subscribe to one meeting with"
                f" `{stream.prefix}.<meetingId>.>` or one type with `{stream.prefix}.*.<eventType>`. Published by"
                f" {PUBLISHERS[stream.name]} through its transactional outbox; at-least-once, deduplicated by"
                " `Nats-Msg-Id` within two minutes."
            ),
            "parameters": {
                "meetingId": {"description": "UUID of the meeting the event belongs to."},
                "eventType": {"description": "The event's `type`, e.g. `poll.closed`."},
            },
            "messages": channel_messages,
        }
        operations[f"publish_{key}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{m}"} for m in channel_messages],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Hội nghị events",
            "version": "1.0.0",
            "description": (
                "Every fact the meeting, resolution and notifier services tell each other. Each message is a"
                " JSON object with the envelope fields id (UUIDv7), type, occurred_at (UTC), meeting_id,"
                " schema_version, correlation_id and actor, then its typed payload. Consumers ignore fields"
                " they do not know. Generated from schemas/events/ by `python -m schemas.asyncapi`."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:4222", "protocol": "nats"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": components},
    }


def render() -> str:
    return yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=110)


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
