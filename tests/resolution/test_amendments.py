"""Amendments as changes of a part: resolved against the version they were written for, shown as a diff
against the current text, merged part by part, and refused (409 naming the part) when it changed meanwhile."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.conftest import EventTap
from tests.resolution.conftest import Client, Meeting, ok, poll, vote

TEXT_VI = "Điều 1. Thông qua báo cáo năm 2020.\n\nĐiều 2. Giao nhiệm vụ năm 2021.\n\nĐiều 3. Hiệu lực thi hành."
TEXT_EN = "Article 1. The 2020 report is adopted.\n\nArticle 2. Tasks for 2021.\n\nArticle 3. Entry into force."


async def drafted(m: Meeting) -> dict[str, Any]:
    body = {"title": {"vi": "Nghị quyết", "en": "Resolution"}, "text": {"vi": TEXT_VI, "en": TEXT_EN}}
    return await ok(await m.client.post(f"/api/v1/meetings/{m.id}/resolutions", json=body, headers=m.organiser), 201)


async def edit(m: Meeting, res: dict[str, Any], version: int, **text: str) -> dict[str, Any]:
    body = {"text": {"vi": TEXT_VI, "en": TEXT_EN, **text}}
    headers = {**m.organiser, "If-Match": f'"{version}"'}
    return await ok(await m.client.patch(f"/api/v1/resolutions/{res['id']}", json=body, headers=headers))


def part(quote: str, replacement: str, language: str = "en") -> dict[str, Any]:
    return {"language": language, "quote": quote, "replacement": replacement}


def paragraphs(first: int, last: int, replacement: str, language: str = "en", **more: Any) -> dict[str, Any]:
    return {"language": language, "paragraphs": {"first": first, "last": last}, "replacement": replacement, **more}


async def test_an_amendment_changes_its_part_only_after_other_edits(
    client: Client, meeting: Any, tap: EventTap
) -> None:
    m = await meeting()
    [member] = await m.add(1)
    [chair] = await m.add(1, role="chair")
    res = await drafted(m)
    url = f"/api/v1/resolutions/{res['id']}/amendments"
    body = {
        "base_version": 1,
        "changes": [
            part("Tasks for 2021", "The ten key tasks for 2021"),
            {
                "language": "vi",
                "paragraphs": {"first": 2, "last": 2},
                "replacement": "Điều 2. Mười nhiệm vụ trọng tâm.",
            },
        ],
    }
    proposed = await ok(await client.post(url, json=body, headers=member.auth), 201)
    assert proposed["base_version"] == 1 and proposed["conflicts"] == []
    assert "-Article 2. Tasks for 2021.\n+Article 2. The ten key tasks for 2021.\n" in proposed["diff"]["en"]
    assert "+Điều 2. Mười nhiệm vụ trọng tâm." in proposed["diff"]["vi"]
    assert proposed["text"]["en"] == TEXT_EN.replace("Tasks for 2021", "The ten key tasks for 2021")
    event = await tap.wait("amendment.proposed", amendment_id=uuid.UUID(proposed["id"]))
    assert event.base_version == 1 and [c.original for c in event.changes] == [  # type: ignore[attr-defined]
        "Tasks for 2021",
        "Điều 2. Giao nhiệm vụ năm 2021.",
    ]

    # Meanwhile the secretary edits another part: the amendment still applies, to its part only.
    await edit(m, res, 1, en=TEXT_EN.replace("Entry into force.", "Entry into force on signature."))
    listed = await ok(await client.get(url, headers=member.auth))
    [shown] = listed["items"]
    assert shown["conflicts"] == [] and "+Article 2. The ten key tasks for 2021." in shown["diff"]["en"]
    assert "signature" not in shown["diff"]["en"].replace(" Article 3. Entry into force on signature.", "")

    accepted = await ok(await client.post(f"/api/v1/amendments/{proposed['id']}/accept", headers=chair.auth))
    assert accepted["status"] == "accepted" and accepted["diff"] == {"vi": "", "en": ""}
    amended = await tap.wait("resolution.amended", amendment_id=uuid.UUID(proposed["id"]))
    assert amended.version == 3  # type: ignore[attr-defined]
    assert amended.text.en == (  # type: ignore[attr-defined]
        "Article 1. The 2020 report is adopted.\n\nArticle 2. The ten key tasks for 2021.\n\n"
        "Article 3. Entry into force on signature."
    )
    assert amended.text.vi == TEXT_VI.replace("Điều 2. Giao nhiệm vụ năm 2021.", "Điều 2. Mười nhiệm vụ trọng tâm.")  # type: ignore[attr-defined]
    done = await tap.wait("amendment.accepted", amendment_id=uuid.UUID(proposed["id"]))
    assert done.version == 3  # type: ignore[attr-defined]


async def test_an_amendment_whose_part_changed_is_a_conflict_not_an_overwrite(
    client: Client, meeting: Any, tap: EventTap
) -> None:
    m = await meeting()
    [member] = await m.add(1)
    [chair] = await m.add(1, role="chair")
    res = await drafted(m)
    url = f"/api/v1/resolutions/{res['id']}/amendments"
    proposed = await ok(
        await client.post(
            url, json={"base_version": 1, "changes": [part("Tasks for 2021", "Work")]}, headers=member.auth
        ),
        201,
    )
    edited = await edit(m, res, 1, en=TEXT_EN.replace("Tasks for 2021", "Duties for 2021"))
    [shown] = (await ok(await client.get(url, headers=member.auth)))["items"]
    assert shown["conflicts"] == [0]
    accept = await client.post(f"/api/v1/amendments/{proposed['id']}/accept", headers=chair.auth)
    problem = await accept.json()
    assert (accept.status, problem["field"], problem["conflicts"]) == (409, "changes[0]", [0])
    now = await ok(await client.get(f"/api/v1/resolutions/{res['id']}", headers=m.organiser))
    assert now["text"]["en"] == edited["text"]["en"] and now["version"] == 2  # nothing half-merged
    [still] = (await ok(await client.get(url, headers=member.auth)))["items"]
    assert still["status"] == "proposed"
    # proposed again against the current version, it goes in
    again = {"base_version": 2, "changes": [part("Duties for 2021", "Work")]}
    fresh = await ok(await client.post(url, json=again, headers=member.auth), 201)
    await ok(await client.post(f"/api/v1/amendments/{fresh['id']}/accept", headers=chair.auth))
    await ok(await client.post(f"/api/v1/amendments/{proposed['id']}/reject", headers=chair.auth))


async def test_a_vote_adopting_an_amendment_whose_part_changed_leaves_it_conflicting(
    client: Client, meeting: Any, tap: EventTap
) -> None:
    m = await meeting()
    members = await m.add(3)
    res = await drafted(m)
    url = f"/api/v1/resolutions/{res['id']}/amendments"
    body = {"base_version": 1, "changes": [part("Entry into force", "Force")]}
    proposed = await ok(await client.post(url, json=body, headers=members[0].auth), 201)
    p = await poll(m, open_=False, motion="amendment", amendment_id=proposed["id"])
    await edit(m, res, 1, en=TEXT_EN.replace("Entry into force", "Effect"))  # before the vote opens
    await ok(await client.post(f"/api/v1/polls/{p['id']}/open", headers=m.organiser))
    for person in members:
        await ok(await vote(m, p["id"], person, "yes"), 201)
    await ok(await client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))
    rejected = await tap.wait("amendment.rejected", amendment_id=uuid.UUID(proposed["id"]))
    assert rejected.reason == "conflict"  # type: ignore[attr-defined]
    [shown] = (await ok(await client.get(url, headers=members[0].auth)))["items"]
    assert shown["status"] == "conflicting"
    now = await ok(await client.get(f"/api/v1/resolutions/{res['id']}", headers=m.organiser))
    assert now["text"]["en"] == TEXT_EN.replace("Entry into force", "Effect") and now["status"] == "draft"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"base_version": 1, "changes": [part("Article 7", "x")]}, 422, "changes[0].quote"),
        ({"base_version": 1, "changes": [part("Article", "x")]}, 422, "changes[0].quote"),
        (
            {
                "base_version": 1,
                "changes": [{"language": "en", "paragraphs": {"first": 1, "last": 9}, "replacement": ""}],
            },
            422,
            "changes[0].paragraphs",
        ),
        (
            {
                "base_version": 1,
                "changes": [
                    {"language": "en", "quote": "Article 1", "paragraphs": {"first": 1, "last": 1}, "replacement": ""}
                ],
            },
            422,
            "changes[0]",
        ),
        ({"base_version": 1, "changes": [part("Article 2. Tasks", "a"), part("Tasks for", "b")]}, 422, "changes[1]"),
        ({"changes": [part("Article 1", "x")]}, 422, "base_version"),
        ({"base_version": 7, "changes": [part("Article 1", "x")]}, 409, "base_version"),
        ({"base_version": 1}, 422, "changes"),
        ({"base_version": 1, "changes": []}, 422, "changes"),
        ({"text": {"vi": TEXT_VI, "en": TEXT_EN}}, 422, "text"),
        ({"base_version": 1, "changes": [part("Article 1", "x", "fr")]}, 422, "changes[0].language"),
    ],
)
async def test_a_bad_amendment_is_a_problem_naming_the_part(
    client: Client, meeting: Any, body: dict[str, Any], status: int, field: str
) -> None:
    m = await meeting()
    [member] = await m.add(1)
    res = await drafted(m)
    url = f"/api/v1/resolutions/{res['id']}/amendments"
    answer = await client.post(url, json=body, headers=member.auth)
    problem = await answer.json()
    assert (answer.status, problem.get("field")) == (status, field), problem
    assert (await ok(await client.get(url, headers=member.auth)))["items"] == []  # nothing written


async def test_the_whole_text_anew_is_still_an_amendment(client: Client, meeting: Any, tap: EventTap) -> None:
    m = await meeting()
    [member] = await m.add(1)
    [chair] = await m.add(1, role="chair")
    res = await drafted(m)
    url = f"/api/v1/resolutions/{res['id']}/amendments"
    body = {"text": {"vi": TEXT_VI, "en": "A new text."}}
    proposed = await ok(await client.post(url, json=body, headers=member.auth), 201)
    assert [c["language"] for c in proposed["changes"]] == ["en"] and proposed["base_version"] == 1
    await ok(await client.post(f"/api/v1/amendments/{proposed['id']}/accept", headers=chair.auth))
    amended = await tap.wait("resolution.amended", amendment_id=uuid.UUID(proposed["id"]))
    assert (amended.text.en, amended.text.vi) == ("A new text.", TEXT_VI)  # type: ignore[attr-defined]
