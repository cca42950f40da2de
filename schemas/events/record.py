"""The meeting's record."""

from __future__ import annotations

import uuid

from schemas.events.base import Event


class MinutesPublished(Event, frozen=True, kw_only=True, tag="minutes.published"):
    """The chair approved a version of the minutes: it is frozen and published. `content_hash` is the
    SHA-256 of the approved document (its Vietnamese and English HTML), printed in it and shown by the
    API, so a copy can be checked against the published one."""

    version: int
    content_hash: str
    approved_by: uuid.UUID | None = None
