"""Checks of event data that every read model applies alike, so no service stores what another refuses."""

from __future__ import annotations

from collections.abc import Sequence

from schemas import events as ev
from schemas.bus.consumer import PoisonEvent
from schemas.events import Event


def event_problem(event: Event) -> str | None:
    """Why this event can never be applied (it is then dead-lettered), or None."""
    if event.schema_version > ev.SCHEMA_VERSION:
        return f"schema_version {event.schema_version} is newer than this service understands"
    if event.meeting_seq is not None and event.meeting_seq < 1:
        return f"meeting_seq {event.meeting_seq} is not a position"
    match event:
        case ev.ParticipantFacts() if event.weight < 0:
            return f"participant {event.participant_id} has a negative weight"
        case ev.ProxyGranted() | ev.ProxyRevoked() if event.principal_id == event.holder_id:
            return "a participant cannot hold its own proxy"
        case ev.Attendance() if event.present_count < 0 or event.present_weight < 0:
            return "attendance cannot be negative"
        case ev.DepartmentFacts() if event.version < 1:
            return f"department {event.department_id} has version {event.version}, not a count of changes"
    return None


def participant_facts(events: Sequence[Event]) -> list[ev.ParticipantFacts]:
    """A bulk run of participant facts, each checked as `event_problem` checks one: a bad one makes the
    whole run poison, and the consumer then handles its events one by one, dead-lettering only that one."""
    facts = [e for e in events if isinstance(e, ev.ParticipantFacts)]
    assert len(facts) == len(events), "only participant facts come in bulk"
    for event in facts:
        problem = event_problem(event)
        if problem:
            raise PoisonEvent(problem)
    return facts
