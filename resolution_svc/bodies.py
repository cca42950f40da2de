"""Rows to API bodies and to event payloads: pure conversions that the views (answers) and deciding.py
(events) share. No HTTP, no SQL."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from resolution_svc import api, service
from resolution_svc.voting import PollRules
from resolution_svc.voting.wording import rule_text
from schemas import events as ev


def bilingual(row: Any, prefix: str) -> ev.Bilingual:
    return ev.Bilingual(vi=row[f"{prefix}_vi"], en=row[f"{prefix}_en"])


def directives_json(directives: list[api.DirectiveIn]) -> list[dict[str, Any]]:
    return [
        {**msgspec.to_builtins(d), "id": str(uuid.uuid4()), "due_date": d.due_date.isoformat() if d.due_date else None}
        for d in directives
    ]


def event_directives(row: Any) -> list[ev.Directive]:
    return msgspec.convert(msgspec.json.decode(row["directives"]), list[ev.Directive])


def resolution_body(row: Any) -> api.Resolution:
    return api.Resolution(
        id=row["id"],
        meeting_id=row["meeting_id"],
        title=bilingual(row, "title"),
        text=bilingual(row, "text"),
        directives=msgspec.convert(msgspec.json.decode(row["directives"]), list[api.DirectiveOut]),
        status=row["status"],
        version=row["version"],
    )


def rule_words(rules: PollRules) -> ev.Bilingual:
    vi, en = rule_text(rules)
    return ev.Bilingual(vi=vi, en=en)


def poll_body(row: Any) -> api.Poll:
    tz = row["timezone"]
    rules = msgspec.json.decode(row["rules"], type=PollRules)
    return api.Poll(
        id=row["id"],
        meeting_id=row["meeting_id"],
        motion=row["motion"],
        resolution_id=row["resolution_id"],
        amendment_id=row["amendment_id"],
        question=bilingual(row, "question"),
        rules=rules,
        rule_text=rule_words(rules),
        secret=row["secret"],
        allow_change=row["allow_change"],
        status=row["status"],
        opens_at=service.local(row["opens_at"], tz),
        closes_at=service.local(row["closes_at"], tz),
        opened_at=service.local(row["opened_at"], tz),
        closed_at=service.local(row["closed_at"], tz),
        eligible_count=row["eligible_count"],
        eligible_weight=row["eligible_weight"],
        voted_count=row["turnout_published"] if row["status"] == "open" else None,
    )


def progress_body(row: Any) -> api.DirectiveProgress:
    return api.DirectiveProgress(
        id=row["id"],
        department_id=row["department_id"],
        author_kind=row["author_kind"],
        author_id=row["author_id"],
        status=row["status"],
        note=row["note"],
        recorded_at=row["recorded_at"],
    )


def directive_body(row: Any, progress: list[Any]) -> api.Directive:
    return api.Directive(
        id=row["id"],
        resolution_id=row["resolution_id"],
        meeting_id=row["meeting_id"],
        title=bilingual(row, "title"),
        description=row["description"],
        department_ids=list(row["department_ids"]),
        due_date=row["due_date"],
        priority=row["priority"],
        status=row["status"],
        note=row["note"],
        progress=[progress_body(p) for p in progress],
        overdue=row["overdue"],
        version=row["version"],
    )
