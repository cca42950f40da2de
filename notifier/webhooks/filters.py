"""Which events a webhook subscription receives: its event-type filters (`*`, `family.*` or an event
type), checked when a subscription is created or changed. Pure: no I/O; the fan-out applies the same
rule in SQL (notifier.webhooks.db)."""

from __future__ import annotations

import re

from schemas.events import EVENT_TYPES

_FAMILIES = frozenset(t.split(".", 1)[0] for t in EVENT_TYPES)
_PATTERN = re.compile(r"^(\*|[a-z_]+\.\*|[a-z_]+\.[a-z_]+)$")


def validate_event_filter(patterns: list[str]) -> str | None:
    """None when every pattern is `*`, `<family>.*` or a known event type; else what is wrong."""
    if not patterns:
        return "give at least one event type or pattern"
    for p in patterns:
        if not _PATTERN.match(p):
            return f"{p!r} is not an event type, `family.*` or `*`"
        family, _, rest = p.partition(".")
        if p != "*" and family not in _FAMILIES:
            return f"{p!r}: no event family {family!r}"
        if rest and rest != "*" and p not in EVENT_TYPES:
            return f"{p!r}: no such event type"
    return None


def matches(patterns: list[str], event_type: str) -> bool:
    """The same rule as the SQL fan-out in notifier.webhooks.db, for callers outside the database."""
    for p in patterns:
        if p == "*" or p == event_type or (p.endswith(".*") and event_type.startswith(p[:-1])):
            return True
    return False
