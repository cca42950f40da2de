"""The exports name what they list: a directive's departments (in the caller's language, with their code)
and a named poll's voters, as meeting_svc's events last told them. A rename after the fact shows in the
next export; an older or redelivered event never puts an old name back."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from resolution_svc.consumers import meeting_event_handler
from schemas import events as ev
from schemas.codec import new_event
from servicekit.runtime import RUNTIME
from tests.conftest import EventTap, wait_for
from tests.resolution.conftest import Client, Meeting, ok
from tests.resolution.test_exports import adopted_meeting, export, rows_of_csv, rows_of_xlsx


def department(
    m: Meeting, kind: type[ev.DepartmentFacts], dep: uuid.UUID, vi: str, en: str, version: int, code: str | None
) -> ev.DepartmentFacts:
    return new_event(
        kind,
        meeting_id=ev.NO_MEETING,
        organisation_id=m.org,
        department_id=dep,
        code=code,
        name=ev.Bilingual(vi=vi, en=en),
        version=version,
    )


async def handled(client: Client, *events: ev.Event) -> None:
    """Until the consumer has handled (or dead-lettered) each event."""
    db = client.app[RUNTIME].db()

    async def probe() -> bool:
        n = await db.fetchval(
            "select count(*) from processed_events where event_id = any($1::uuid[])", [e.id for e in events]
        )
        return bool(n == len(events))

    await wait_for(probe, what="events handled")


async def departments_of(client: Client, m: Meeting, lang: str) -> dict[str, str]:
    """Each directive's departments as the JSON export shows them, by title."""
    body = await (await export(client, "/api/v1/directives:export", m.organiser, format="json", lang=lang)).json()
    return {d["title"]: d["departments"] for d in body["items"]}


async def test_directives_export_names_departments_in_the_callers_language(
    client: Client, meeting: Any, tap: EventTap
) -> None:
    m, metrology, testing, _ = await adopted_meeting(meeting, tap)
    # not announced yet: the export still says which department, by id
    assert set((await departments_of(client, m, "en")).values()) == {str(metrology), str(testing)}

    defined = [
        department(m, ev.DepartmentDefined, metrology, "Phòng Đo lường", "Metrology Department", 1, "ĐL"),
        department(m, ev.DepartmentDefined, testing, "Phòng Thử nghiệm", "", 1, None),
    ]
    await m.publish(*defined)
    await handled(client, *defined)
    assert await departments_of(client, m, "vi") == {
        "Hoàn thành vượt mức kế hoạch năm 2021": "Phòng Đo lường (ĐL)",
        "Số hóa các khâu quản lý": "Phòng Thử nghiệm",
    }
    assert await departments_of(client, m, "en") == {
        "Exceed the 2021 plan": "Metrology Department (ĐL)",
        "Digitise management": "Phòng Thử nghiệm",  # no English name: the Vietnamese one
    }
    header, *rows = rows_of_csv(
        await (await export(client, "/api/v1/directives:export", m.organiser, lang="en")).read()
    )
    assert header[5] == "Departments" and header[-1] == "Department ids"
    assert {r[3]: (r[5], r[-1]) for r in rows} == {
        "Exceed the 2021 plan": ("Metrology Department (ĐL)", str(metrology)),
        "Digitise management": ("Phòng Thử nghiệm", str(testing)),
    }
    header, *cells = rows_of_xlsx(
        await (await export(client, "/api/v1/directives:export", m.organiser, format="xlsx", lang="vi")).read()
    )
    assert header[5] == "Đơn vị thực hiện"
    assert {r[3]: r[5] for r in cells}["Hoàn thành vượt mức kế hoạch năm 2021"] == "Phòng Đo lường (ĐL)"


async def test_a_rename_shows_and_an_older_or_redelivered_event_never_brings_the_old_name_back(
    client: Client, meeting: Any, tap: EventTap
) -> None:
    m, metrology, _, _ = await adopted_meeting(meeting, tap)
    defined = department(m, ev.DepartmentDefined, metrology, "Phòng Đo lường", "Metrology", 1, "ĐL")
    renamed = department(m, ev.DepartmentRenamed, metrology, "Trung tâm Đo lường", "Metrology Centre", 2, "TTĐL")
    # the rename overtakes the definition: the definition, older, must not undo it
    await m.publish(renamed)
    await handled(client, renamed)
    await m.publish(defined)
    await handled(client, defined)
    plan = "Exceed the 2021 plan"
    assert (await departments_of(client, m, "en"))[plan] == "Metrology Centre (TTĐL)"

    # the same rename handled again (as a redelivery would bring it), inside a transaction like the consumer's
    handle = meeting_event_handler(client.app[RUNTIME])
    db = client.app[RUNTIME].db()
    async with db.acquire() as conn, conn.transaction():
        await handle(conn, defined)
        await handle(conn, renamed)
    assert (await departments_of(client, m, "vi"))["Hoàn thành vượt mức kế hoạch năm 2021"] == (
        "Trung tâm Đo lường (TTĐL)"
    )

    again = department(m, ev.DepartmentRenamed, metrology, "Trung tâm Đo lường 2", "Metrology Centre 2", 3, None)
    await m.publish(again)
    await handled(client, again)
    assert (await departments_of(client, m, "en"))[plan] == "Metrology Centre 2"  # the code was dropped

    # another organisation's event for the same id changes nothing here
    other = Meeting(client, m.publish, m.signer)
    forged = department(other, ev.DepartmentRenamed, metrology, "Giả", "Forged", 9, None)
    await m.publish(forged)
    await handled(client, forged)
    assert (await departments_of(client, m, "en"))[plan] == "Metrology Centre 2"


async def test_named_ballots_export_names_each_voter_as_last_told(client: Client, meeting: Any, tap: EventTap) -> None:
    m, _, _, p = await adopted_meeting(meeting, tap)
    names = ["Trần Thị Bình", "Lê Văn Cường", "Phạm Minh Đức"]
    updates = [
        new_event(ev.ParticipantUpdated, meeting_id=m.id, participant_id=person.id, name=name, role="voting_member")
        for person, name in zip(m.people, names, strict=True)
    ]
    await m.publish(*updates)
    await handled(client, *updates)
    # an update older than those (a lower meeting_seq), arriving late, must not rename anyone back
    stale = msgspec.structs.replace(
        new_event(
            ev.ParticipantUpdated, meeting_id=m.id, participant_id=m.people[0].id, name="Tên cũ", role="voting_member"
        ),
        meeting_seq=1,
    )
    await m.publish(stale)
    await handled(client, stale)

    named = await ok(await client.get(f"/api/v1/polls/{p['id']}/ballots", headers=m.organiser))
    choice_of = {b["voter_id"]: b["choice"] for b in named["items"]}
    expected = {str(person.id): name for person, name in zip(m.people, names, strict=True)}

    path = f"/api/v1/polls/{p['id']}/ballots:export"
    as_json = await (await export(client, path, m.organiser, format="json")).json()
    assert {b["voter_id"]: b["voter"] for b in as_json["items"]} == expected
    assert {b["voter_id"]: b["choice"] for b in as_json["items"]} == choice_of
    assert [b["voter"] for b in as_json["items"]] == sorted(names)  # in order of name

    header, *rows = rows_of_csv(await (await export(client, path, m.organiser, lang="en")).read())
    assert header[:2] == ["Participant", "Participant id"]
    assert {r[1]: r[0] for r in rows} == expected
    header, *cells = rows_of_xlsx(await (await export(client, path, m.organiser, format="xlsx", lang="vi")).read())
    assert header[:2] == ["Đại biểu", "Mã đại biểu"]
    assert {r[1]: r[0] for r in cells} == expected
