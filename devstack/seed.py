"""Load the reference conference through the public APIs, the way an organiser would.

`make run` runs `python -m devstack.seed` once the services are ready: it creates an organiser of
QUATEST 2, the department blocks, the scheduled conference with its agenda and 202 participants,
the contribution request with the four blocks' position reports, and the draft Resolution with its
directives; then prints the organiser's token and the personal links of the chair and the secretary.
What it made is kept in `.run/seed.json`, so the next `make run` shows it again instead of a copy.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import os
import secrets
import sys
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from devstack.reference import ORGANISATION, Conference, conference

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".run" / "seed.json"
ORGANISER_EMAIL = "bantochuc@quatest2.example.org"
CSV_HEADER = "name,email,department,role,weight,language"


class SeedError(RuntimeError):
    pass


@dataclass
class Loaded:
    """What the seed made: ids, the organiser's token and everyone's personal invite link."""

    organisation_id: str
    organiser_token: str
    meeting_id: str
    resolution_id: str
    contribution_request_id: str
    # The organiser's sign-in at /login (a password made for this machine; empty in a state from before)
    organiser_email: str = ""
    organiser_password: str = ""
    departments: dict[str, str] = field(default_factory=dict)  # code -> id
    participants: dict[str, str] = field(default_factory=dict)  # email -> id
    invites: dict[str, str] = field(default_factory=dict)  # email -> invite url


def next_reference_start(now: dt.datetime | None = None) -> dt.datetime:
    """The conference's local start time (13:30 in Da Nang), a week from now, so links stay valid."""
    ref = conference().starts_at
    day = (now or dt.datetime.now(dt.UTC)).astimezone(ref.tzinfo).date() + dt.timedelta(days=7)
    return dt.datetime.combine(day, ref.timetz())


async def answer(response: aiohttp.ClientResponse, *expected: int) -> Any:
    body = await response.json(content_type=None) if response.status != 204 else None
    if response.status not in expected:
        raise SeedError(f"{response.method} {response.url.path} answered {response.status}: {body}")
    return body


def csv_of(ref: Conference) -> str:
    out = io.StringIO()
    rows = csv.writer(out, lineterminator="\n")
    rows.writerow(CSV_HEADER.split(","))
    rows.writerows((p.name, p.email or "", p.department or "", p.role, p.weight, p.language) for p in ref.people)
    return out.getvalue()


async def load(
    meeting_api: str, resolution_api: str, organiser_token: str, organisation_id: str, starts_at: dt.datetime
) -> Loaded:
    """Create the reference conference starting at `starts_at`, everything relative to it as in 2021."""
    ref = conference()
    shift = starts_at - ref.starts_at
    auth = {"Authorization": f"Bearer {organiser_token}"}
    async with aiohttp.ClientSession(headers=auth) as http:
        departments = await _departments(http, meeting_api, ref)
        meeting = await answer(
            await http.post(
                f"{meeting_api}/meetings",
                json={
                    "title": ref.title.as_dict(),
                    "description": ref.description.as_dict(),
                    "starts_at": starts_at.isoformat(),
                    "ends_at": (ref.ends_at + shift).isoformat(),
                    "timezone": "Asia/Ho_Chi_Minh",
                    "venue": {"name": ref.venue_name, "address": ref.venue_address},
                },
                headers={"Idempotency-Key": str(uuid.uuid4())},
            ),
            201,
        )
        mid = meeting["id"]
        agenda: list[dict[str, Any]] = []
        for item in ref.agenda:
            body = {"title": item.title.as_dict(), "kind": item.kind, "planned_minutes": item.minutes}
            if item.presenter:
                body["presenter"] = item.presenter
            # each change answers with the whole agenda, in order
            agenda = (await answer(await http.post(f"{meeting_api}/meetings/{mid}/agenda", json=body), 201))["items"]
        imported = await answer(
            await http.post(
                f"{meeting_api}/meetings/{mid}/participants:import",
                data=csv_of(ref).encode(),
                headers={"Content-Type": "text/csv"},
            ),
            201,
        )
        people = {p["email"]: p for p in imported["items"]}
        request = await answer(
            await http.post(
                f"{meeting_api}/meetings/{mid}/contribution-requests",
                json={
                    "topic": ref.contribution_topic.as_dict(),
                    "guidance": ref.contribution_guidance,
                    "department_ids": [departments[d.code] for d in ref.departments if d.parent is None],
                    "deadline": (ref.contribution_deadline + shift).isoformat(),
                },
            ),
            201,
        )
        resolution = await _resolution(http, resolution_api, mid, ref, departments, shift)
        for row, link in zip(agenda, ref.agenda, strict=True):
            field_ = {"contribution": "contribution_request_id", "vote": "resolution_id"}.get(link.kind)
            if field_:
                value = request["id"] if link.kind == "contribution" else resolution["id"]
                await answer(
                    await http.patch(f"{meeting_api}/meetings/{mid}/agenda/{row['id']}", json={field_: value}), 200
                )
        # Prepared quietly as a draft; scheduling it sends every invitation, with everything in place.
        await answer(await http.post(f"{meeting_api}/meetings/{mid}/schedule"), 200)
    loaded = Loaded(
        organisation_id=organisation_id,
        organiser_token=organiser_token,
        meeting_id=mid,
        resolution_id=resolution["id"],
        contribution_request_id=request["id"],
        departments=departments,
        participants={e: p["id"] for e, p in people.items()},
        invites={e: p["invite_url"] for e, p in people.items()},
    )
    await _position_reports(meeting_api, loaded, ref)
    return loaded


async def _departments(http: aiohttp.ClientSession, api: str, ref: Conference) -> dict[str, str]:
    """The blocks and departments, reusing those the organisation already has (by code)."""
    existing = await answer(await http.get(f"{api}/departments"), 200)
    ids = {d["code"]: d["id"] for d in existing["items"] if d["code"]}
    for d in ref.departments:  # blocks come first, so a department's parent exists
        if d.code not in ids:
            body: dict[str, Any] = {"name": d.name.as_dict(), "code": d.code}
            if d.parent:
                body["parent_id"] = ids[d.parent]
            ids[d.code] = (await answer(await http.post(f"{api}/departments", json=body), 201))["id"]
    return ids


async def _resolution(
    http: aiohttp.ClientSession,
    api: str,
    meeting_id: str,
    ref: Conference,
    departments: dict[str, str],
    shift: dt.timedelta,
) -> Any:
    body = {
        "title": ref.resolution_title.as_dict(),
        "text": ref.resolution_text.as_dict(),
        "directives": [
            {
                "title": d.title.as_dict(),
                "description": d.description,
                "department_ids": [departments[c] for c in d.departments],
                "due_date": (d.due + dt.timedelta(days=shift.days)).isoformat(),
                "priority": d.priority,
            }
            for d in ref.directives
        ],
    }
    # resolution_svc learns of the meeting from meeting_svc's events: wait until it has.
    for _ in range(100):
        response = await http.post(f"{api}/meetings/{meeting_id}/resolutions", json=body)
        if response.status != 404:
            return await answer(response, 201)
        response.release()
        await asyncio.sleep(0.1)
    raise SeedError("resolution_svc never learnt of the meeting (is it consuming meeting events?)")


async def session_token(meeting_api: str, invite_url: str) -> str:
    """Enter through a personal invite link, as a participant's browser does."""
    async with aiohttp.ClientSession() as http:
        code = invite_url.rsplit("/", 1)[-1]
        body = await answer(await http.post(f"{meeting_api}/sessions", json={"invite_code": code}), 201)
        return str(body["token"])


async def _position_reports(meeting_api: str, loaded: Loaded, ref: Conference) -> None:
    """Each block's representative signs in through their link and submits the block's report."""
    for report in ref.reports:
        representative = ref.representative_of(report.block)
        assert representative.email is not None
        token = await session_token(meeting_api, loaded.invites[representative.email])
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
            await answer(
                await http.post(
                    f"{meeting_api}/meetings/{loaded.meeting_id}/contribution-requests/"
                    f"{loaded.contribution_request_id}/submissions",
                    json={
                        "title": report.title,
                        "body": report.body,
                        "recommendations": list(report.recommendations),
                    },
                ),
                201,
            )


async def _still_there(meeting_api: str, state: Loaded) -> bool:
    auth = {"Authorization": f"Bearer {state.organiser_token}"}
    async with aiohttp.ClientSession(headers=auth) as http:
        response = await http.get(f"{meeting_api}/meetings/{state.meeting_id}")
        response.release()
        return response.status == 200


async def main() -> int:
    from meeting_svc.__main__ import create_organiser
    from meeting_svc.settings import Settings
    from servicekit.settings import load as load_settings

    meeting_api = os.environ.get("MEETING_API", "http://127.0.0.1:8081/api/v1")
    resolution_api = os.environ.get("RESOLUTION_API", "http://127.0.0.1:8082/api/v1")
    if STATE.exists():
        state = Loaded(**json.loads(STATE.read_text()))
        if await _still_there(meeting_api, state):
            report(state, meeting_api)
            return 0
    settings = load_settings(Settings)
    password, email = secrets.token_urlsafe(12), ORGANISER_EMAIL
    try:
        org, token = await create_organiser(settings, ORGANISATION, "Ban tổ chức hội nghị", email, password)
    except SystemExit:  # the address is an organiser's from an earlier load whose meeting is gone
        email = email.replace("@", f"-{secrets.token_hex(2)}@")
        org, token = await create_organiser(settings, ORGANISATION, "Ban tổ chức hội nghị", email, password)
    loaded = await load(meeting_api, resolution_api, token, str(org), next_reference_start())
    loaded.organiser_email, loaded.organiser_password = email, password
    STATE.write_text(json.dumps(asdict(loaded), ensure_ascii=False, indent=1))
    STATE.chmod(0o600)
    report(loaded, meeting_api)
    return 0


def report(loaded: Loaded, meeting_api: str) -> None:
    ref = conference()
    secretary = next(p for p in ref.people if p.role == "secretary")
    lines = [
        f"reference conference loaded: meeting {loaded.meeting_id}",
        f"  {meeting_api}/meetings/{loaded.meeting_id} (with its agenda)",
        f"  organiser token (.run/seed.json): {loaded.organiser_token[:24]}…",
        f"  organiser sign-in: {meeting_api.removesuffix('/api/v1')}/login as {loaded.organiser_email}, password"
        f" {loaded.organiser_password}"
        if loaded.organiser_email
        else "  organiser sign-in: none in this state (delete .run/seed.json to load the conference afresh)",
        f"  organiser console: {meeting_api.removesuffix('/api/v1')}/organiser",
        f"  chair {ref.chair.name}: {loaded.invites[ref.chair.email or '']}",
        f"  secretary {secretary.name}: {loaded.invites[secretary.email or '']}",
    ]
    print("\n".join(f"[make run] {line}" for line in lines), flush=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
