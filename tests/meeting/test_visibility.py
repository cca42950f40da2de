"""What a participant sees: contact details only for the person, the chair, the secretary and organisers;
`organiser` is no participant role; tokens never in URLs here; every page under a Content-Security-Policy;
no outside image in a position report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from meeting_svc.contributions.rules import render_markdown
from tests.meeting.conftest import Client, Org, invite, join, new_meeting, ok


async def test_a_members_session_reads_no_email_but_their_own(client: Client, org: Org) -> None:
    mid = (await new_meeting(client, org))["id"]
    people = {
        role: await invite(client, org, mid, name=f"Người {role}", role=role, email=f"{role}@example.org")
        for role in ("chair", "secretary", "voting_member", "department_representative", "observer")
    }
    guest = await invite(client, org, mid, name="Khách", role="observer", email="guest@example.org")
    everyone = {p["email"] for p in [*people.values(), guest]}
    for role, person in people.items():
        me = await join(client, person)
        listed = await ok(await client.get(f"/api/v1/meetings/{mid}/participants", headers=me.auth))
        seen = {p["email"] for p in listed["items"]} - {None}
        one = await ok(await client.get(f"/api/v1/meetings/{mid}/participants/{guest['id']}", headers=me.auth))
        if role in ("chair", "secretary"):
            assert seen == everyone and one["email"] == "guest@example.org", role
        else:
            assert seen == {person["email"]} and one["email"] is None, role  # their own only
            assert {p["name"] for p in listed["items"]} >= {"Khách", f"Người {role}"}  # names stay visible
    as_organiser = await ok(await client.get(f"/api/v1/meetings/{mid}/participants", headers=org.organiser.auth))
    assert {p["email"] for p in as_organiser["items"]} == everyone


async def test_organiser_is_not_a_participant_role(client: Client, org: Org) -> None:
    mid = (await new_meeting(client, org))["id"]
    people = f"/api/v1/meetings/{mid}/participants"
    added = await client.post(people, json={"name": "Ban tổ chức", "role": "organiser"}, headers=org.organiser.auth)
    assert (added.status, (await added.json())["field"]) == (422, "role")
    csv = "name,role\nBan tổ chức,organiser\n".encode()
    imported = await client.post(
        people + ":import", data=csv, headers={**org.organiser.auth, "Content-Type": "text/csv"}
    )
    problem = await imported.json()
    assert imported.status == 422 and problem["errors"][0]["field"] == "role", problem
    member = await invite(client, org, mid)
    patched = await client.patch(f"{people}/{member['id']}", json={"role": "organiser"}, headers=org.organiser.auth)
    assert patched.status == 422


async def test_the_token_is_read_from_the_header_only(client: Client, org: Org) -> None:
    mid = (await new_meeting(client, org))["id"]
    me = await join(client, await invite(client, org, mid))
    token = me.auth["Authorization"].removeprefix("Bearer ")
    assert (await client.get(f"/api/v1/meetings/{mid}", headers=me.auth)).status == 200
    in_url = await client.get(f"/api/v1/meetings/{mid}", params={"access_token": token})
    assert (in_url.status, (await in_url.json())["title"]) == (401, "Authentication required")


async def test_every_page_carries_a_content_security_policy(client: Client, org: Org) -> None:
    mid = (await new_meeting(client, org))["id"]
    person = await invite(client, org, mid)
    code = person["invite_url"].rsplit("/", 1)[1]
    for path in (f"/meetings/{mid}", f"/meetings/{mid}/projector", f"/join/{code}", "/join/not-a-code"):
        response = await client.get(path)
        policy = response.headers.get("Content-Security-Policy", "")
        assert response.content_type == "text/html", path
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["default-src"] == "'none'", path
        assert directives["img-src"] == "'self' data:", path
        assert directives.get("script-src", "'self'") == "'self'", path  # no inline script anywhere
    page = await (await client.get(f"/meetings/{mid}")).text()
    assert "<script>" not in page and "onclick" not in page  # nothing inline to run


def test_outside_images_in_a_report_become_links() -> None:
    html = render_markdown(
        "Xem ![biểu đồ](https://tracker.example/pixel.gif) và ![logo](data:image/png;base64,iVBORw0KGgo=)"
    )
    assert "<img" not in html.replace('<img src="data:image/png;base64,iVBORw0KGgo=" alt="logo">', "")
    assert '<a href="https://tracker.example/pixel.gif" rel="noopener noreferrer">biểu đồ</a>' in html
    assert "tracker.example" not in html.split("<a ", 1)[0]


async def test_a_submitted_report_fetches_nothing_from_elsewhere(client: Client, org: Org) -> None:
    dep = await ok(
        await client.post("/api/v1/departments", json={"name": {"vi": "Khối Đo lường"}}, headers=org.organiser.auth),
        201,
    )
    mid = (await new_meeting(client, org))["id"]
    rep = await join(client, await invite(client, org, mid, role="department_representative", department_id=dep["id"]))
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    body: dict[str, Any] = {"topic": {"vi": "Tham luận"}, "department_ids": [dep["id"]], "deadline": deadline}
    url = f"/api/v1/meetings/{mid}/contribution-requests"
    req = await ok(await client.post(url, json=body, headers=org.organiser.auth), 201)
    report = {"title": "Tham luận", "body": "![pixel](https://tracker.example/p.gif)"}
    sent = await ok(await client.post(f"{url}/{req['id']}/submissions", json=report, headers=rep.auth), 201)
    assert "<img" not in sent["current"]["body_html"] and "tracker.example/p.gif" in sent["current"]["body_html"]
