"""A department row as its API body."""

from __future__ import annotations

from typing import Any

from meeting_svc.bilingual import bilingual
from meeting_svc.organisation import api


def department_body(row: Any) -> api.Department:
    return api.Department(id=row["id"], name=bilingual(row, "name"), code=row["code"], parent_id=row["parent_id"])
