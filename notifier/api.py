"""Request and response bodies of the notifier's HTTP API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

import msgspec

DeliveryStatus = Literal["pending", "delivering", "delivered", "dead", "gone"]


class SubscriptionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    url: str
    event_types: list[str]
    meeting_id: uuid.UUID | None = None
    description: str = ""
    enabled: bool = True


class SubscriptionPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    url: str | msgspec.UnsetType = msgspec.UNSET
    event_types: list[str] | msgspec.UnsetType = msgspec.UNSET
    meeting_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
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


class RotateSecret(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
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
    outcome: str


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


class DeliveryQuery(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    status: DeliveryStatus | None = None
    before: dt.datetime | None = None
    limit: int = 50


class ReplayRange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    since: dt.datetime
    until: dt.datetime | None = None


class Replayed(msgspec.Struct, kw_only=True):
    deliveries: int
