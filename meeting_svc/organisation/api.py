"""Request and response bodies of the departments' routes."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from schemas.events import Bilingual
from servicekit.fields import (
    LINE_PATTERN,
    BilingualText,
    Request,
)

Code = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=LINE_PATTERN)]


class DepartmentCreate(Request, kw_only=True):
    name: BilingualText
    code: Code | None = None
    parent_id: uuid.UUID | None = None


class DepartmentPatch(Request, kw_only=True, omit_defaults=True):
    name: BilingualText | msgspec.UnsetType = msgspec.UNSET
    code: Code | msgspec.UnsetType = msgspec.UNSET


class Department(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    name: Bilingual
    code: str | None
    parent_id: uuid.UUID | None


class DepartmentList(msgspec.Struct, kw_only=True):
    items: list[Department]
