"""The attendance export: present, by proxy, excused (declined in advance) and absent, by department,
parsed back from CSV and XLSX equal to the roster the API lists; staff only."""

from __future__ import annotations

import csv
import io

import openpyxl

from tests.meeting.conftest import Client, Org, advance, invite, join, new_meeting, ok


async def test_attendance_export_says_who_was_there_and_how(client: Client, org: Org) -> None:
    dep = await ok(
        await client.post(
            "/api/v1/departments",
            json={"name": {"vi": "Khối Đo lường", "en": "Metrology"}, "code": "DL"},
            headers=org.organiser.auth,
        ),
        201,
    )
    mid = (await new_meeting(client, org))["id"]
    secretary = await join(client, await invite(client, org, mid, name="Lê Thị Thanh Minh", role="secretary"))
    present = await join(
        client, await invite(client, org, mid, name="Trần Thị Bình", weight=3, department_id=dep["id"])
    )
    principal = await join(client, await invite(client, org, mid, name="Võ Văn A", department_id=dep["id"]))
    excused = await join(client, await invite(client, org, mid, name="=cmd|' /C calc'!A0"))
    absent = await join(client, await invite(client, org, mid, name="Phạm Văn Cường"))
    await ok(
        await client.post(
            f"/api/v1/meetings/{mid}/participants/{principal.id}/proxy",
            json={"holder_id": str(present.id)},
            headers=principal.auth,
        ),
        201,
    )
    await ok(
        await client.post(
            f"/api/v1/meetings/{mid}/participants/{excused.id}/rsvp",
            json={"response": "declined"},
            headers=excused.auth,
        )
    )
    await advance(client, org, mid, "schedule", "start")
    for who in (present, secretary):
        await ok(await client.post(f"/api/v1/meetings/{mid}/participants/{who.id}/check-in", headers=secretary.auth))

    url = f"/api/v1/meetings/{mid}/attendance:export"
    response = await client.get(url, params={"lang": "en"}, headers=secretary.auth)
    assert response.status == 200 and response.content_type == "text/csv"
    header, *rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert header == ["Participant id", "Name", "Department", "Role", "Weight", "RSVP", "Attendance", "Proxy holder"]
    by_id = {r[0]: r for r in rows}
    assert by_id[str(present.id)][2:7] == ["Metrology", "voting_member", "3", "", "present"]
    assert by_id[str(principal.id)][6:] == ["by proxy", "Trần Thị Bình"]
    assert by_id[str(excused.id)][1] == "'=cmd|' /C calc'!A0"  # shown as typed, never run
    assert by_id[str(excused.id)][5:7] == ["declined", "excused"]
    assert by_id[str(absent.id)][6] == "absent"
    assert by_id[str(secretary.id)][6] == "present"
    listed = await ok(await client.get(f"/api/v1/meetings/{mid}/participants", headers=org.organiser.auth))
    assert set(by_id) == {p["id"] for p in listed["items"]}

    xlsx = await client.get(url, params={"format": "xlsx"}, headers={**org.organiser.auth, "Accept-Language": "vi"})
    assert xlsx.status == 200
    book = openpyxl.load_workbook(io.BytesIO(await xlsx.read()), read_only=True)
    head, *cells = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert head[:3] == ["Mã đại biểu", "Họ và tên", "Đơn vị"]
    assert {r[0]: (r[4], r[6]) for r in cells}[str(present.id)] == (3, "có mặt")
    assert {r[0]: r[6] for r in cells}[str(principal.id)] == "ủy quyền"

    as_json = await (await client.get(url, params={"format": "json"}, headers=org.organiser.auth)).json()
    assert {p["participant_id"]: p["attendance"] for p in as_json["items"]}[str(excused.id)] == "vắng có lý do"

    refused = await client.get(url, headers=absent.auth)
    assert refused.status == 403 and refused.content_type == "application/problem+json"
    wrong = await client.get(url, params={"format": "docx"}, headers=org.organiser.auth)
    assert wrong.status == 400 and "format" in (await wrong.json())["detail"]
