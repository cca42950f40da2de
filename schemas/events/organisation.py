"""The organisation's own facts, shared by all its meetings: its departments and blocks."""

from __future__ import annotations

import uuid

from schemas.events.base import Bilingual, Event


class DepartmentFacts(Event, frozen=True, kw_only=True):
    """A department (or a block: `parent_id` is None) as it now stands. About no meeting: `meeting_id`
    is the nil UUID and there is no `meeting_seq`; `version` counts the department's changes 1, 2, 3…
    instead, so a read model keeps the newest whatever order the events arrive in."""

    organisation_id: uuid.UUID
    department_id: uuid.UUID
    code: str | None = None
    name: Bilingual
    parent_id: uuid.UUID | None = None
    version: int


class DepartmentDefined(DepartmentFacts, frozen=True, kw_only=True, tag="department.defined"):
    """An organiser created a department or a block."""


class DepartmentRenamed(DepartmentFacts, frozen=True, kw_only=True, tag="department.renamed"):
    """An organiser changed a department's name or code."""
