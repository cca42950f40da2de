"""Meeting and agenda rows as their API bodies and as the payloads of meeting events."""

from __future__ import annotations

from typing import Any

import msgspec

from meeting_svc.access import actor
from meeting_svc.bilingual import bilingual
from meeting_svc.meetings import api, rules
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import Event
from schemas.notices import Notice
from servicekit.tokens import Claims


def venue(row: Any) -> ev.Venue | None:
    return ev.Venue(name=row["venue_name"], address=row["venue_address"]) if row["venue_name"] else None


def meeting_body(row: Any, agenda: list[Any] | None = None) -> api.Meeting:
    tz = row["timezone"]
    return api.Meeting(
        id=row["id"],
        organisation_id=row["organisation_id"],
        title=bilingual(row, "title"),
        description=bilingual(row, "description"),
        starts_at=rules.local(row["starts_at"], tz),
        ends_at=rules.local(row["ends_at"], tz),
        timezone=tz,
        venue=venue(row),
        online_url=row["online_url"],
        status=row["status"],
        version=row["version"],
        agenda_version=row["agenda_version"],
        record_only=row["record_only"],
        self_check_in=row["self_check_in"],
        agenda=None if agenda is None else [agenda_body(a) for a in agenda],
    )


def policy_of(row: Any) -> dict[str, Notice] | None:
    raw = row["notification_policy"]
    return None if raw is None else msgspec.json.decode(raw, type=dict[str, Notice])


def meeting_fact(cls: type[ev.MeetingFacts], row: Any, claims: Claims, **extra: Any) -> Event:
    return new_event(
        cls,
        meeting_id=row["id"],
        actor=actor(claims),
        organisation_id=row["organisation_id"],
        title=bilingual(row, "title"),
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        timezone=row["timezone"],
        status=row["status"],
        venue=venue(row),
        online_url=row["online_url"],
        record_only=row["record_only"],
        self_check_in=row["self_check_in"],
        notification_policy=policy_of(row),
        **extra,
    )


def agenda_body(row: Any) -> api.AgendaItem:
    return api.AgendaItem(
        id=row["id"],
        position=row["position"],
        title=bilingual(row, "title"),
        kind=row["kind"],
        presenter=row["presenter"],
        planned_minutes=row["planned_minutes"],
        contribution_request_id=row["contribution_request_id"],
        resolution_id=row["resolution_id"],
    )


def agenda_event_item(row: Any) -> ev.AgendaItem:
    return msgspec.convert(msgspec.to_builtins(agenda_body(row)), ev.AgendaItem)
