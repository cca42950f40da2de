"""A bilingual text as the tables keep it (`<field>_vi`, `<field>_en`), for bodies and events."""

from __future__ import annotations

from typing import Any

from schemas import events as ev


def bilingual(row: Any, prefix: str) -> ev.Bilingual:
    return ev.Bilingual(vi=row[f"{prefix}_vi"], en=row[f"{prefix}_en"])
