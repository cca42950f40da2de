"""Decisions and directives exported as CSV, XLSX and JSON: each parsed back (csv, openpyxl) equals what
the API lists, headers in the caller's language, dates ISO 8601 with the meeting's offset; filters and
visibility as in the list; a formula typed into a title stays text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from typing import Any

import icalendar
import openpyxl

from tests.conftest import EventTap
from tests.resolution.conftest import Client, Meeting, ok, poll, resolution, vote


async def adopted_meeting(meeting: Any, tap: EventTap) -> tuple[Meeting, uuid.UUID, uuid.UUID, dict[str, Any]]:
    m = await meeting()
    metrology, testing = uuid.uuid4(), uuid.uuid4()
    members = await m.add(3)
    res = await resolution(m, [metrology, testing])
    await tap.wait("resolution.drafted", resolution_id=uuid.UUID(res["id"]))
    p = await poll(m, motion="resolution", resolution_id=res["id"])
    await tap.wait("poll.opened", poll_id=uuid.UUID(p["id"]))
    for person, choice in zip(members, ["yes", "yes", "no"], strict=True):
        await ok(await vote(m, p["id"], person, choice), 201)
    await ok(await m.client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))
    await tap.wait("resolution.adopted", resolution_id=uuid.UUID(res["id"]))
    return m, metrology, testing, p


def rows_of_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def rows_of_xlsx(data: bytes) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [list(r) for r in book.active.iter_rows(values_only=True)]


async def export(client: Client, path: str, headers: dict[str, str], **query: str) -> Any:
    response = await client.get(path, params=query, headers=headers)
    assert response.status == 200, await response.text()
    return response


async def test_directives_export_equals_the_list_in_every_format(client: Client, meeting: Any, tap: EventTap) -> None:
    m, metrology, _, _ = await adopted_meeting(meeting, tap)
    listed = await ok(await client.get("/api/v1/directives", params={"meeting_id": str(m.id)}, headers=m.organiser))
    assert len(listed["items"]) == 2
    by_id = {d["id"]: d for d in listed["items"]}

    as_json = await (await export(client, "/api/v1/directives:export", m.organiser, format="json")).json()
    assert [d["id"] for d in as_json["items"]] == [d["id"] for d in listed["items"]]
    for d in as_json["items"]:
        api = by_id[d["id"]]
        assert d["title"] == api["title"]["vi"]  # no lang, no Accept-Language: Vietnamese
        assert d["due_date"] == api["due_date"] and d["status"] == api["status"]
        assert d["department_ids"] == "; ".join(api["department_ids"])
        assert dt.datetime.fromisoformat(d["updated_at"]).utcoffset() == dt.timedelta(hours=7)  # the meeting's zone

    response = await export(
        client, "/api/v1/directives:export", {**m.organiser, "Accept-Language": "en-GB,en;q=0.8"}, format="csv"
    )
    assert response.content_type == "text/csv" and response.headers["Content-Language"] == "en"
    assert 'filename="directives.csv"' in response.headers["Content-Disposition"]
    header, *rows = rows_of_csv(await response.read())
    assert header[:4] == ["Directive id", "Meeting id", "Resolution id", "Directive"]
    assert {r[0]: r[3] for r in rows} == {i: d["title"]["en"] for i, d in by_id.items()}
    assert {r[0]: r[6] for r in rows} == {i: d["due_date"] for i, d in by_id.items()}

    response = await export(client, "/api/v1/directives:export", m.organiser, format="xlsx", lang="vi")
    header, *cells = rows_of_xlsx(await response.read())
    assert header[3] == "Nhiệm vụ" and header[6] == "Hạn hoàn thành"
    assert {r[0]: (r[3], r[6], r[8], r[9]) for r in cells} == {
        i: (d["title"]["vi"], d["due_date"], d["status"], d["overdue"]) for i, d in by_id.items()
    }

    # filters: department, period of due dates, status
    mine = await (
        await export(client, "/api/v1/directives:export", m.organiser, format="json", department=str(metrology))
    ).json()
    assert [d["id"] for d in mine["items"]] == [
        d["id"] for d in listed["items"] if str(metrology) in d["department_ids"]
    ]
    first_half = await (
        await export(
            client, "/api/v1/directives:export", m.organiser, format="json", due_from="2021-01-01", due_to="2021-06-30"
        )
    ).json()
    assert [d["due_date"] for d in first_half["items"]] == ["2021-06-30"]
    done = await (await export(client, "/api/v1/directives:export", m.organiser, format="json", status="done")).json()
    assert done["items"] == []

    # another organisation sees none of it; a participant only their meeting's
    other = Meeting(client, m.publish, m.signer)
    assert (await (await export(client, "/api/v1/directives:export", other.organiser, format="json")).json()) == {
        "items": []
    }
    member = m.people[0]
    theirs = await (await export(client, "/api/v1/directives:export", member.auth, format="json")).json()
    assert len(theirs["items"]) == 2
    elsewhere = await client.get(
        "/api/v1/directives:export", params={"meeting_id": str(uuid.uuid4())}, headers=member.auth
    )
    assert elsewhere.status == 404

    wrong = await client.get("/api/v1/directives:export", params={"format": "pdf"}, headers=m.organiser)
    body = await wrong.json()
    assert wrong.status == 400 and "format" in body["detail"]
    assert (
        await client.get("/api/v1/directives:export", params={"due_from": "2021-13-01"}, headers=m.organiser)
    ).status == 400
    assert (await client.get("/api/v1/directives:export")).status == 401


async def test_decisions_export_carries_each_polls_result(client: Client, meeting: Any, tap: EventTap) -> None:
    m, _, _, p = await adopted_meeting(meeting, tap)
    result = (await ok(await client.get(f"/api/v1/polls/{p['id']}/result", headers=m.organiser)))["result"]
    # a procedural question whose text is a formula, rejected
    q = await poll(m, question={"vi": '=HYPERLINK("http://x")', "en": "=1+1"})
    await tap.wait("poll.opened", poll_id=uuid.UUID(q["id"]))
    for person in m.people:
        await ok(await vote(m, q["id"], person, "no"), 201)
    await ok(await client.post(f"/api/v1/polls/{q['id']}/close", headers=m.organiser))
    await tap.wait("poll.closed", poll_id=uuid.UUID(q["id"]))

    as_json = await (await export(client, "/api/v1/decisions:export", m.organiser, format="json", lang="en")).json()
    assert [d["poll_id"] for d in as_json["items"]] == [p["id"], q["id"]]
    first = as_json["items"][0]
    counts = {t["option"]: t["count"] for t in result["tallies"]}
    assert (first["yes"], first["no"], first["abstain"]) == (counts["yes"], counts["no"], counts["abstain"])
    assert first["outcome"] == result["outcome"] == "adopted"
    assert first["subject"] == "Resolution of the conference" and first["motion"] == "resolution"
    assert (first["threshold"], first["base"], first["quorum_met"]) == (
        result["threshold"],
        result["base"],
        result["quorum_met"],
    )
    assert dt.datetime.fromisoformat(first["closed_at"]).utcoffset() == dt.timedelta(hours=7)

    rejected = await (
        await export(client, "/api/v1/decisions:export", m.organiser, format="json", outcome="rejected")
    ).json()
    assert [d["poll_id"] for d in rejected["items"]] == [q["id"]]

    header, *rows = rows_of_csv(await (await export(client, "/api/v1/decisions:export", m.organiser, lang="en")).read())
    assert header[7:11] == ["Outcome", "Yes", "No", "Abstain"]
    assert [r[7] for r in rows] == ["adopted", "rejected"]
    assert rows[1][5] == "'=1+1"  # a spreadsheet shows it as typed, never runs it

    header, *cells = rows_of_xlsx(
        await (await export(client, "/api/v1/decisions:export", m.organiser, format="xlsx", lang="vi")).read()
    )
    assert header[7] == "Kết quả"
    assert [(r[0], r[7], r[8], r[9]) for r in cells] == [
        (p["id"], "adopted", counts["yes"], counts["no"]),
        (q["id"], "rejected", 0, 3),
    ]
    assert cells[1][5] == '=HYPERLINK("http://x")'  # a string cell in XLSX: text, not a formula


async def test_a_polls_result_and_named_ballots_export_after_close(client: Client, meeting: Any, tap: EventTap) -> None:
    m, _, _, p = await adopted_meeting(meeting, tap)
    shown = await ok(await client.get(f"/api/v1/polls/{p['id']}/result", headers=m.organiser))
    header, *rows = rows_of_csv(
        await (await export(client, f"/api/v1/polls/{p['id']}/result:export", m.organiser, lang="en")).read()
    )
    assert header == ["Option", "Votes", "Weight"]
    assert rows == [[t["option"], str(t["count"]), str(t["weight"])] for t in shown["result"]["tallies"]]

    named = await ok(await client.get(f"/api/v1/polls/{p['id']}/ballots", headers=m.people[0].auth))
    response = await export(client, f"/api/v1/polls/{p['id']}/ballots:export", m.people[0].auth, format="xlsx")
    header, *cells = rows_of_xlsx(await response.read())
    assert header == ["Đại biểu", "Mã đại biểu", "Lựa chọn", "Trọng số", "Bỏ phiếu lúc"]
    assert sorted((r[1], r[2], r[3]) for r in cells) == sorted(
        (b["voter_id"], b["choice"], b["weight"]) for b in named["items"]
    )
    assert all(r[0] == "Nguyễn Văn A" for r in cells)  # the name participant.invited gave
    assert all(dt.datetime.fromisoformat(r[4]).utcoffset() == dt.timedelta(hours=7) for r in cells)

    secret = await poll(m, secret=True)
    await tap.wait("poll.opened", poll_id=uuid.UUID(secret["id"]))
    early = await client.get(f"/api/v1/polls/{secret['id']}/result:export", headers=m.organiser)
    assert early.status == 409  # results stay hidden until close
    await ok(await client.post(f"/api/v1/polls/{secret['id']}/close", headers=m.organiser))
    await tap.wait("poll.closed", poll_id=uuid.UUID(secret["id"]))
    hidden = await client.get(f"/api/v1/polls/{secret['id']}/ballots:export", headers=m.organiser)
    assert hidden.status == 404  # a secret poll has no named ballots


async def test_a_department_feed_shows_its_directives_due_dates_until_revoked(
    client: Client, meeting: Any, tap: EventTap
) -> None:
    m, metrology, _, _ = await adopted_meeting(meeting, tap)
    listed = await ok(
        await client.get("/api/v1/directives", params={"department": str(metrology)}, headers=m.organiser)
    )
    [mine] = listed["items"]
    feed_url = f"/api/v1/departments/{metrology}/calendar-feed"
    assert (await client.post(feed_url, headers=m.people[0].auth)).status == 403  # organisers issue feeds
    issued = await ok(await client.post(feed_url, headers=m.organiser), 201)
    path = "/" + issued["url"].split("/", 3)[3]
    feed = await client.get(path, params={"lang": "en"})
    assert feed.status == 200 and feed.content_type == "text/calendar"
    [entry] = icalendar.Calendar.from_ical(await feed.text()).walk("VEVENT")
    assert str(entry["UID"]) == f"directive-{mine['id']}@hoinghi"
    assert str(entry["SUMMARY"]) == mine["title"]["en"]
    assert entry.decoded("DTSTART") == dt.date.fromisoformat(mine["due_date"])  # all day on its due date
    assert "Status: not started" in str(entry["DESCRIPTION"])
    first_sequence = int(entry["SEQUENCE"])

    rep = (await m.add(1, role="department_representative", department=metrology))[0]
    current = await client.get(f"/api/v1/directives/{mine['id']}", headers=m.organiser)
    await ok(
        await client.patch(
            f"/api/v1/directives/{mine['id']}",
            json={"status": "in_progress", "note": "Đã khởi động"},
            headers={**rep.auth, "If-Match": current.headers["ETag"]},
        )
    )
    [entry] = icalendar.Calendar.from_ical(await (await client.get(path)).text()).walk("VEVENT")
    assert int(entry["SEQUENCE"]) > first_sequence and "đang thực hiện" in str(entry["DESCRIPTION"])

    # another organisation asking for the same department sees none of this organisation's directives
    other = Meeting(client, m.publish, m.signer)
    theirs = await ok(await client.post(feed_url, headers=other.organiser), 201)
    assert (
        icalendar.Calendar.from_ical(await (await client.get("/" + theirs["url"].split("/", 3)[3])).text()).walk(
            "VEVENT"
        )
        == []
    )

    assert (await client.delete(feed_url, headers=m.organiser)).status == 204
    assert (await client.get(path)).status == 404
    assert (await client.delete(feed_url, headers=m.organiser)).status == 404
