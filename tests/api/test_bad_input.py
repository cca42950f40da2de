"""The bad inputs that reached PostgreSQL, a mail header or the event loop: each now a 422 naming the
field, before anything is stored or published."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from servicekit.runtime import RUNTIME
from tests.conftest import wait_for
from tests.meeting.conftest import meeting_body

Client = TestClient[Any, Any]


async def refused(response: Any, field: str) -> dict[str, Any]:
    body: dict[str, Any] = await response.json(content_type=None)
    assert response.status == 422, body
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert body["field"] == field, body
    return body


async def created(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = await response.json()
    assert response.status == 201, body
    return body


@pytest.fixture
async def meeting(services: dict[str, Client], organiser_auth: dict[str, str]) -> dict[str, Any]:
    """A meeting, once resolution_svc has heard of it."""
    m = await created(await services["meeting"].post("/api/v1/meetings", json=meeting_body(), headers=organiser_auth))
    db = services["resolution"].app[RUNTIME].db()

    async def heard() -> bool:
        return bool(await db.fetchval("select count(*) from meetings where id = $1", m["id"]))

    await wait_for(heard, what="resolution_svc to hear of the meeting")
    return m


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (meeting_body(title={"vi": "Hội nghị\x00", "en": "Review"}), "title.vi"),
        (meeting_body(description={"vi": "Dòng một\nDòng\x07 hai", "en": ""}), "description.vi"),
        (meeting_body(venue={"name": "Khách sạn\x1b[31m", "address": ""}), "venue.name"),
        (meeting_body(starts_at="0001-01-01T00:00:00+14:00"), "starts_at"),
        (meeting_body(ends_at="9999-12-31T23:00:00-14:00"), "ends_at"),
        (meeting_body(title={"vi": "", "en": " "}), "title"),
    ],
)
async def test_a_meeting_with_a_control_character_or_a_date_out_of_range_is_refused(
    services: dict[str, Client], organiser_auth: dict[str, str], body: dict[str, Any], field: str
) -> None:
    await refused(await services["meeting"].post("/api/v1/meetings", json=body, headers=organiser_auth), field)


async def test_multi_line_text_keeps_its_line_breaks(
    services: dict[str, Client], organiser_auth: dict[str, str]
) -> None:
    body = meeting_body(description={"vi": "Dòng một\r\nDòng hai\n\tthụt lề", "en": ""})
    m = await created(await services["meeting"].post("/api/v1/meetings", json=body, headers=organiser_auth))
    assert m["description"]["vi"] == "Dòng một\r\nDòng hai\n\tthụt lề"


async def test_an_empty_department_name_is_refused(services: dict[str, Client], organiser_auth: dict[str, str]) -> None:
    response = await services["meeting"].post(
        "/api/v1/departments", json={"name": {"vi": "", "en": ""}}, headers=organiser_auth
    )
    await refused(response, "name")


@pytest.mark.parametrize(
    ("person", "field"),
    [
        ({"name": "Nguyễn\x00 Văn An"}, "name"),
        ({"name": "Nguyễn Văn An", "email": "an@quatest2.vn, binh@quatest2.vn"}, "email"),
        ({"name": "Nguyễn Văn An", "email": "Nguyễn Văn An <an@quatest2.vn>"}, "email"),
    ],
)
async def test_a_participant_is_one_person_with_one_address(
    services: dict[str, Client], organiser_auth: dict[str, str], meeting: dict[str, Any], person: Any, field: str
) -> None:
    path = f"/api/v1/meetings/{meeting['id']}/participants"
    await refused(await services["meeting"].post(path, json=person, headers=organiser_auth), field)


@pytest.mark.parametrize(
    ("csv", "field"),
    [
        ("name,email\nNguyễn\x00 Văn An,an@quatest2.vn\n", "name"),
        ('name,email\nNguyễn Văn An,"an@quatest2.vn, binh@quatest2.vn"\n', "email"),
        ("name,weight\nNguyễn Văn An,99999999999999\n", "weight"),
    ],
)
async def test_a_participant_csv_with_a_nul_or_two_addresses_in_a_cell_imports_nothing(
    services: dict[str, Client], organiser_auth: dict[str, str], meeting: dict[str, Any], csv: str, field: str
) -> None:
    path = f"/api/v1/meetings/{meeting['id']}/participants:import"
    response = await services["meeting"].post(
        path, data=csv.encode(), headers={**organiser_auth, "Content-Type": "text/csv"}
    )
    body = await refused(response, field)
    assert body["errors"][0]["row"] == 1
    listed = await services["meeting"].get(f"/api/v1/meetings/{meeting['id']}/participants", headers=organiser_auth)
    assert (await listed.json())["items"] == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"question": {"vi": "", "en": ""}}, "question"),
        ({"question": {"vi": "Biểu quyết\x00", "en": ""}}, "question.vi"),
        ({"rules": {"quorum": {"fraction": "1e-10000000"}}}, "rules.quorum.fraction"),
        ({"rules": {"quorum": {"fraction": "1/2" + "0" * 10_000}}}, "rules.quorum.fraction"),
        ({"rules": {"options": ["yes", "no", "abs\x00tain"]}}, "rules.options"),
        ({"closes_at": "0001-01-01T00:00:00+14:00"}, "closes_at"),
    ],
)
async def test_a_poll_with_bad_rules_or_text_is_refused_at_once(
    services: dict[str, Client], organiser_auth: dict[str, str], meeting: dict[str, Any], fields: Any, field: str
) -> None:
    body = {"motion": "procedural", "question": {"vi": "Biểu quyết", "en": "Vote"}, **fields}
    response = await services["resolution"].post(
        f"/api/v1/meetings/{meeting['id']}/polls", json=body, headers=organiser_auth
    )
    # (the huge exponent used to be accepted after 25 s of parsing that blocked every other request)
    await refused(response, field)


async def test_a_poll_quorum_as_a_short_decimal_is_kept(
    services: dict[str, Client], organiser_auth: dict[str, str], meeting: dict[str, Any]
) -> None:
    body = {
        "motion": "procedural",
        "question": {"vi": "Biểu quyết", "en": ""},
        "rules": {"quorum": {"fraction": "0.5"}},
    }
    poll = await created(
        await services["resolution"].post(f"/api/v1/meetings/{meeting['id']}/polls", json=body, headers=organiser_auth)
    )
    assert poll["rules"]["quorum"]["fraction"] == "0.5"


async def test_a_subscription_description_with_a_nul_is_refused(
    services: dict[str, Client], organiser_auth: dict[str, str]
) -> None:
    body = {"url": "https://hooks.example.org/x", "event_types": ["*"], "description": "Ban\x00 tổ chức"}
    await refused(
        await services["notifier"].post("/api/v1/subscriptions", json=body, headers=organiser_auth), "description"
    )
