"""Request and response bodies of the notifier's HTTP API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from servicekit.fields import LINE_PATTERN, Line, Request

Url = Annotated[str, msgspec.Meta(min_length=1, max_length=2000, pattern=LINE_PATTERN)]
EventPattern = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=LINE_PATTERN)]
DeliveryStatus = Literal["pending", "delivering", "delivered", "dead", "gone"]
EmailStatus = Literal["pending", "sending", "sent", "failed"]


class SubscriptionCreate(Request, kw_only=True):
    url: Url
    event_types: list[EventPattern]
    meeting_id: uuid.UUID | None = None
    description: Line = ""
    enabled: bool = True


class SubscriptionPatch(Request, kw_only=True, omit_defaults=True):
    url: Url | msgspec.UnsetType = msgspec.UNSET
    event_types: list[EventPattern] | msgspec.UnsetType = msgspec.UNSET
    meeting_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    description: Line | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET


class Subscription(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    url: str
    event_types: list[str]
    meeting_id: uuid.UUID | None
    description: str
    enabled: bool
    disabled_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    # Expiry of each older secret that still signs during a rotation overlap.
    previous_secrets_expire_at: list[dt.datetime] = []


class SubscriptionWithSecret(Subscription, kw_only=True):
    secret: str  # `whsec_…`: shown only when created or rotated


class SubscriptionList(msgspec.Struct, kw_only=True):
    items: list[Subscription]


class RotateSecret(Request, kw_only=True):
    # How long the current secret keeps signing beside the new one (0 = revoke it now).
    overlap_s: int | None = None


class RotatedSecret(msgspec.Struct, kw_only=True):
    secret: str
    previous_secrets_expire_at: list[dt.datetime]


class Attempt(msgspec.Struct, kw_only=True):
    attempt: int
    started_at: dt.datetime
    latency_ms: float
    status_code: int | None
    error: str | None
    outcome: str  # delivered | failed | redirect | gone | interrupted (cut short by a shutdown, sent again)


class Delivery(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    subscription_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    meeting_id: uuid.UUID
    status: DeliveryStatus
    attempts: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    replay_of: uuid.UUID | None
    attempt_log: list[Attempt] = []


class DeliveryList(msgspec.Struct, kw_only=True):
    items: list[Delivery]
    # pass as `before` to read the next page
    next_before: dt.datetime | None = None


class DeliveryQuery(Request, kw_only=True):
    status: DeliveryStatus | None = None
    before: dt.datetime | None = None
    limit: int = 50


class ReplayRange(Request, kw_only=True):
    since: dt.datetime
    until: dt.datetime | None = None


class Replayed(msgspec.Struct, kw_only=True):
    deliveries: int


class Email(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    participant_id: uuid.UUID | None
    to: str
    language: str
    subject: str
    status: EmailStatus
    attempts: int
    # why the last attempt failed; "cannot be built: …" when the message can never go out as stored
    last_error: str | None
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None


class EmailList(msgspec.Struct, kw_only=True):
    items: list[Email]
    # pass as `before` to read the next page
    next_before: int | None = None


class EmailQuery(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    status: EmailStatus | None = None
    before: Annotated[int, msgspec.Meta(ge=1, le=2**63 - 1)] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=500)] = 50
