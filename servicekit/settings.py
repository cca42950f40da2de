"""Settings from the environment into a msgspec Struct; a bad value stops the service and names it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated, TypeVar

import msgspec

S = TypeVar("S", bound=msgspec.Struct)


class SettingsError(SystemExit):
    pass


class CommonSettings(msgspec.Struct, kw_only=True, frozen=True):
    """Settings every service reads. Each field is read from the upper-cased variable name."""

    database_url: str = "postgresql://postgres@127.0.0.1:5432/hoinghi"
    nats_url: str = "nats://127.0.0.1:4222"
    nats_namespace: str = ""
    stream_replicas: int = 1
    # Events older than this leave the streams (seconds; 14 days). A consumer down for longer misses them.
    stream_max_age_s: Annotated[float, msgspec.Meta(gt=0)] = 14 * 86400.0
    # Entries of the key-value buckets (revoked organiser tokens) expire after this long unless
    # re-written (seconds; a day); meeting_svc re-writes the live ones well within it.
    kv_ttl_s: Annotated[float, msgspec.Meta(ge=60)] = 86400.0
    host: str = "127.0.0.1"
    port: int = 8080
    log_level: str = "INFO"
    db_pool_size: int = 16
    # How long a request waits for a pooled connection before it is answered 503 (all of them busy).
    db_acquire_timeout_s: float = 30.0
    max_body_bytes: int = 1_048_576
    # A connection is closed when it has not sent a whole request head this long (seconds) after it
    # opened or after its last answer: idle or slow clients cannot hold connections.
    http_idle_timeout_s: Annotated[float, msgspec.Meta(gt=0)] = 15.0
    # A request's body must arrive whole this long (seconds) after its head, else 408.
    http_body_timeout_s: Annotated[float, msgspec.Meta(gt=0)] = 60.0
    # Requests a minute per caller (bearer token or session cookie) and per client address (an IPv6
    # client's /64), shared by the replicas; over either, 429 with Retry-After. 0: no limit. A venue's
    # whole hall may share one address, so that limit is the looser.
    rate_limit_caller_per_min: Annotated[int, msgspec.Meta(ge=0)] = 1200
    rate_limit_address_per_min: Annotated[int, msgspec.Meta(ge=0)] = 12000
    # Clients never limited (comma-separated addresses or networks): by default this machine itself.
    rate_limit_exempt: str = "127.0.0.0/8, ::1"
    # Proxies in front of the service (HAProxy, meeting_svc's forwarding) whose X-Forwarded-For is believed
    # when finding the client's address (comma-separated addresses or networks); none by default.
    trusted_proxies: str = ""
    token_public_key: str = ""  # PEM of the Ed25519 key that verifies participant and organiser tokens
    shutdown_timeout_s: float = 10.0
    # On SIGTERM, /readyz answers 503 this long (seconds) while requests are still served, so a load
    # balancer's health check takes the replica out of rotation before its listener closes.
    shutdown_drain_s: Annotated[float, msgspec.Meta(ge=0)] = 5.0
    # Origins whose pages may call this service from a browser (the participant web client), comma-separated.
    cors_origins: str = "http://127.0.0.1:8081,http://localhost:8081"
    # Participant sessions end this long after the meeting; a department representative's follow-up
    # access to their department's directives lasts `follow_up_days` after it (servicekit/sessions.py).
    session_grace_days: float = 1.0
    follow_up_days: float = 400.0


def load(cls: type[S], env: Mapping[str, str] | None = None) -> S:
    env = os.environ if env is None else env
    raw: dict[str, str] = {}
    for name in cls.__struct_fields__:
        value = env.get(name.upper())
        if value is not None:
            raw[name] = value
    try:
        return msgspec.convert(raw, cls, strict=False)
    except msgspec.ValidationError as exc:
        # msgspec says "... - at `$.port`": turn the path into the variable's name.
        message = str(exc)
        field = message.rsplit("$.", 1)[-1].rstrip("`") if "$." in message else ""
        raise SettingsError(f"invalid setting {field.upper() or '?'}: {message}") from None
