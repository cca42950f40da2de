"""The envelope every event shares, and the vocabulary (roles, languages, statuses) they use."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

import msgspec

SCHEMA_VERSION = 1
# The envelope's meeting for events about no meeting (an organiser's password reset).
NO_MEETING = uuid.UUID(int=0)

# A participant's role in one meeting. Organisers are not participants: their power comes from an
# organiser API token only (a participant role "organiser" existed once and was migrated to observer).
Role = Literal["chair", "secretary", "voting_member", "department_representative", "observer"]
# Roles whose holders are on a poll's roster (with weight > 0). Observers and secretaries never vote;
# meeting_svc (proxies) and resolution_svc (roster snapshot) both apply this rule.
VOTING_ROLES: frozenset[str] = frozenset({"chair", "voting_member", "department_representative"})
Language = Literal["vi", "en"]
Rsvp = Literal["attending", "declined", "tentative"]
AgendaKind = Literal["report", "contribution", "discussion", "vote", "other"]
DirectiveStatus = Literal["not_started", "in_progress", "done", "blocked"]
Outcome = Literal["adopted", "rejected", "no_quorum"]


class Bilingual(msgspec.Struct, frozen=True, kw_only=True):
    """A text in Vietnamese and English; either may be empty but not both."""

    vi: str = ""
    en: str = ""


class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Envelope shared by every event."""

    id: uuid.UUID
    occurred_at: dt.datetime
    meeting_id: uuid.UUID
    schema_version: int = SCHEMA_VERSION
    correlation_id: str | None = None
    actor: str | None = None
    # meeting_svc numbers its events of each meeting 1, 2, 3… in commit order (docs/consistency.md): the
    # version read models compare per entity, and the position a barrier waits for. None on other events.
    meeting_seq: int | None = None

    @property
    def event_type(self) -> str:
        return type(self).__struct_config__.tag  # type: ignore[return-value]  # msgspec allows int tags; ours are str
