"""Poll presets over HTTP: listed without a token, and a poll created from a preset carries exactly that
preset's rules (the presets' words and thresholds: tests/unit/resolution/test_presets.py)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from resolution_svc.voting.presets import PRESETS
from resolution_svc.voting.wording import rule_text
from tests.conftest import EventTap
from tests.resolution.conftest import Client, ok, poll


async def test_presets_listed_without_a_token(client: Client) -> None:
    listed = await ok(await client.get("/api/v1/poll-presets"))
    by_id = {p["id"]: p for p in listed["items"]}
    assert set(by_id) == set(PRESETS)
    two_thirds = by_id["two_thirds_present"]
    assert two_thirds["name"] == {"vi": "Hai phần ba số thành viên có mặt", "en": "Two thirds of members present"}
    assert (two_thirds["rules"]["base"], two_thirds["rules"]["threshold"]) == ("present", "two_thirds")
    vi, en = rule_text(PRESETS["two_thirds_present"].rules)
    assert two_thirds["rule_text"] == {"vi": vi, "en": en}


async def test_poll_created_from_a_preset(client: Client, meeting: Any, tap: EventTap) -> None:
    m = await meeting()
    await m.add(3)
    created = await poll(m, open_=False, preset="absolute_majority_members_quorum")
    expected = PRESETS["absolute_majority_members_quorum"].rules
    assert (created["rules"]["base"], created["rules"]["threshold"]) == (expected.base, expected.threshold)
    assert created["rules"]["quorum"]["fraction"] == "1/2"
    assert created["rule_text"]["en"] == rule_text(expected)[1]
    shown = await ok(await client.get(f"/api/v1/polls/{created['id']}", headers=m.organiser))
    assert shown["rule_text"] == created["rule_text"]
    event = await tap.wait("poll.created", poll_id=uuid.UUID(created["id"]))
    assert event.options == ["yes", "no", "abstain"]  # type: ignore[attr-defined]
    plain = await poll(m, open_=False)  # neither rules nor preset: a simple majority of votes cast
    assert plain["rule_text"]["en"] == rule_text(PRESETS["simple_majority_cast"].rules)[1]


@pytest.mark.parametrize(
    "fields",
    [
        {"preset": "two_thirds_of_the_moon"},
        {"preset": "unanimous", "rules": {"threshold": "simple"}},
        {"preset": ""},
        {"preset": 3},
        {"preset": "x" * 65},
    ],
)
async def test_a_bad_preset_is_a_problem_naming_it(client: Client, meeting: Any, fields: dict[str, Any]) -> None:
    m = await meeting()
    body = {"motion": "procedural", "question": {"vi": "Biểu quyết"}, **fields}
    answer = await client.post(f"/api/v1/meetings/{m.id}/polls", json=body, headers=m.organiser)
    problem = await answer.json()
    assert answer.status in (400, 422) and answer.content_type == "application/problem+json"
    assert "preset" in str(problem), problem
    listed = await ok(await client.get(f"/api/v1/meetings/{m.id}/polls", headers=m.organiser))
    assert listed["items"] == []  # nothing half-written
