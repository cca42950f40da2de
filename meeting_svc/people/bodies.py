"""Participant rows as their API bodies (contact details only to those who may see them) and as the
payloads of participant events."""

from __future__ import annotations

from typing import Any

from meeting_svc.access import actor
from meeting_svc.people import api, rules
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import Event
from servicekit.tokens import Claims


def participant_body(row: Any, invite_url: str | None = None, *, seen_by: Claims | None = None) -> api.Participant:
    """A participant as `seen_by` may see them (as an organiser when None): contact details only to the
    person themself, the chair, the secretary and organisers (rules.sees_contact_details)."""
    return api.Participant(
        id=row["id"],
        meeting_id=row["meeting_id"],
        name=row["name"],
        email=row["email"] if seen_by is None or rules.sees_contact_details(seen_by, row["id"]) else None,
        department_id=row["department_id"],
        role=row["role"],
        weight=row["weight"],
        language=row["language"],
        rsvp=row["rsvp"],
        present=row["present"],
        proxy_holder_id=row["proxy_holder_id"],
        invite_url=invite_url,
    )


def participant_fact(cls: type[ev.ParticipantFacts], row: Any, claims: Claims, **extra: Any) -> Event:
    return new_event(
        cls,
        meeting_id=row["meeting_id"],
        actor=actor(claims),
        participant_id=row["id"],
        name=row["name"],
        email=row["email"],
        role=row["role"],
        weight=row["weight"],
        department_id=row["department_id"],
        block_id=row["block_id"],
        language=row["language"],
        **extra,
    )
