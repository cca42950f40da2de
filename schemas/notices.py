"""Which emails a meeting sends, to whom and how (contract: meeting_svc sets it, the notifier applies it).

A meeting's organiser sets a rule per kind of notice; a kind left out keeps its default. The policy rides
on every `MeetingFacts` event (`notification_policy`), so the notifier knows it from the events alone.
Invitations are not in the policy: the organiser sends them one by one, and they always go.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, get_args

import msgspec

NoticeKind = Literal["reminder", "contribution", "poll_opened", "result", "directive"]
NOTICE_KINDS: tuple[str, ...] = get_args(NoticeKind)
# all: everyone the notice concerns; representatives: the department representatives among them (for a
# directive: those of the departments and blocks responsible) and the chair; nobody: no email at all.
Audience = Literal["all", "representatives", "nobody"]
Delivery = Literal["immediate", "digest"]  # digest: one email a day per person with everything of the day


class Notice(msgspec.Struct, frozen=True, kw_only=True):
    audience: Audience = "all"
    delivery: Delivery = "immediate"


def in_room(venue: object, online_url: str | None) -> bool:
    """A meeting held in one room only: people learn of a vote from the chair, not from their inbox."""
    return venue is not None and not online_url


def defaults(room: bool) -> dict[str, Notice]:
    return {
        "reminder": Notice(),
        "contribution": Notice(),
        "poll_opened": Notice(audience="nobody") if room else Notice(),
        "result": Notice(),
        # the people responsible relay a directive to their teams: whole departments are not emailed
        "directive": Notice(audience="representatives"),
    }


def effective(policy: Mapping[str, Notice] | None, room: bool) -> dict[str, Notice]:
    """The policy as applied: the defaults, overridden kind by kind (kinds unknown here are ignored)."""
    rules = defaults(room)
    for kind, notice in (policy or {}).items():
        if kind in rules:
            rules[kind] = notice
    return rules
