"""Every operation of the three services × every kind of caller, one request per cell, on one stack.

The callers include those whose state changed after their session began (a removed participant, a
chair demoted to observer, a representative moved to another department, a revoked invite): every
service must decide on the current state, not on the token. The rows come from
authorization_table.py; a route without a row fails the suite.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from meeting_svc.__main__ import create_organiser
from meeting_svc.app import create_app as meeting_app
from meeting_svc.routes import OPERATIONS as MEETING_OPERATIONS
from meeting_svc.settings import Settings as MeetingSettings
from notifier.app import create_app as notifier_app
from notifier.emails.db import own_key
from notifier.emails.policy import settings_token
from notifier.routes import OPERATIONS as NOTIFIER_OPERATIONS
from resolution_svc.app import create_app as resolution_app
from resolution_svc.routes import OPERATIONS as RESOLUTION_OPERATIONS
from resolution_svc.settings import Settings as ResolutionSettings
from servicekit.runtime import RUNTIME
from tests.conftest import Endpoint, settings_of, wait_for
from tests.end_to_end.authorization_table import ALLOWED, CALLERS, ROWS, Cell, Row, mark, readme_table
from tests.notifier.conftest import notifier_settings

Client = TestClient[Any, Any]
ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
SERVICES = {"meeting": MEETING_OPERATIONS, "resolution": RESOLUTION_OPERATIONS, "notifier": NOTIFIER_OPERATIONS}
STARTS = dt.datetime(2030, 1, 14, 6, 30, tzinfo=dt.UTC)
SIGN_IN_PASSWORD = "mật-khẩu-của-ban-tổ-chức"


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    routes = {(service, op.method, op.path) for service, ops in SERVICES.items() for op, _ in ops}
    rows = [(row.service, row.method, row.path) for row in ROWS]
    assert len(rows) == len(set(rows)), "a route has two rows"
    assert routes - set(rows) == set(), "routes without rows in tests/end_to_end/authorization_table.py"
    assert set(rows) - routes == set(), "rows of routes that do not exist"


def test_the_readme_table_is_the_suites() -> None:
    assert readme_table() in (ROOT / "README.md").read_text(), "render it with tests.end_to_end.authorization_table"


@dataclass
class Stack:
    meeting: Client
    resolution: Client
    notifier: Client
    organiser: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)
    auth: dict[str, dict[str, str]] = field(default_factory=dict)

    def client(self, service: str) -> Client:
        return {"meeting": self.meeting, "resolution": self.resolution, "notifier": self.notifier}[service]

    async def call(self, service: str, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        response = await self.client(service).request(method, path, headers=self.organiser, **kw)
        body = await response.json() if response.status != 204 else None
        assert response.status == status, (method, path, body)
        return body

    async def invite(self, role: str = "voting_member", **person: Any) -> dict[str, Any]:
        body = {"name": f"Người {uuid.uuid4().hex[:6]}", "role": role, **person}
        return await self.call(
            "meeting", "POST", f"/api/v1/meetings/{self.ids['meeting']}/participants", 201, json=body
        )  # type: ignore[no-any-return]

    async def session(self, participant: dict[str, Any]) -> dict[str, str]:
        code = participant["invite_url"].rsplit("/", 1)[1]
        response = await self.meeting.post("/api/v1/sessions", json={"invite_code": code})
        assert response.status == 201
        return {"Authorization": f"Bearer {(await response.json())['token']}"}


async def build(env: dict[str, Any], start: Callable[[web.Application], Awaitable[Client]], hook: Endpoint) -> Stack:
    meeting_settings = settings_of(MeetingSettings, env)
    stack = Stack(
        await start(meeting_app(meeting_settings)),
        await start(resolution_app(settings_of(ResolutionSettings, env, schedule_interval_s=0.1))),
        await start(notifier_app(notifier_settings(env))),
        {},
    )
    email = f"btc-{uuid.uuid4().hex[:6]}@quatest2.example"
    _, token = await create_organiser(
        meeting_settings, f"QUATEST 2 {uuid.uuid4().hex[:6]}", "Ban tổ chức", email, SIGN_IN_PASSWORD
    )
    _, foreign = await create_organiser(meeting_settings, f"Other centre {uuid.uuid4().hex[:6]}", "Ban tổ chức")
    stack.organiser = {"Authorization": f"Bearer {token}"}
    stack.auth = {"none": {}, "organiser": stack.organiser, "other_org": {"Authorization": f"Bearer {foreign}"}}
    ids = stack.ids
    ids["email"] = email
    for code in ("DL", "TN"):
        dep = await stack.call("meeting", "POST", "/api/v1/departments", 201, json={"name": {"vi": code}, "code": code})
        ids[code] = dep["id"]
    meeting = {
        "title": {"vi": "Hội nghị tổng kết", "en": "Year-end review"},
        "starts_at": STARTS.isoformat(),
        "ends_at": (STARTS + dt.timedelta(hours=4)).isoformat(),
        "timezone": "Asia/Ho_Chi_Minh",
    }
    ids["meeting"] = (await stack.call("meeting", "POST", "/api/v1/meetings", 201, json=meeting))["id"]
    ids["elsewhere"] = (await stack.call("meeting", "POST", "/api/v1/meetings", 201, json=meeting))["id"]
    mid = ids["meeting"]
    people = {
        "chair": await stack.invite("chair"),
        "secretary": await stack.invite("secretary"),
        "voting_member": await stack.invite("voting_member", email="member@example.org"),
        "department_representative": await stack.invite("department_representative", department_id=ids["DL"]),
        "observer": await stack.invite("observer"),
        "removed": await stack.invite("voting_member"),
        "demoted_chair": await stack.invite("chair"),
        "moved_rep": await stack.invite("department_representative", department_id=ids["DL"]),
        "revoked_invite": await stack.invite("voting_member"),
    }
    subject = await stack.invite("voting_member", email="subject@example.org")  # whom others act on
    ids["subject"] = subject["id"]
    for caller, person in people.items():
        stack.auth[caller] = await stack.session(person)
        ids[caller] = person["id"]
    # ... then their state changes, after their sessions began
    person = f"/api/v1/meetings/{mid}/participants"
    await stack.call("meeting", "DELETE", f"{person}/{ids['removed']}", 204)
    await stack.call("meeting", "PATCH", f"{person}/{ids['demoted_chair']}", json={"role": "observer"})
    await stack.call("meeting", "PATCH", f"{person}/{ids['moved_rep']}", json={"department_id": ids["TN"]})
    await stack.call("meeting", "DELETE", f"{person}/{ids['revoked_invite']}/invite", 204)
    elsewhere = await stack.call(
        "meeting", "POST", f"/api/v1/meetings/{ids['elsewhere']}/participants", 201, json={"name": "Người ngoài"}
    )
    stack.auth["other_meeting"] = await stack.session(elsewhere)
    await stack.call("meeting", "POST", f"/api/v1/meetings/{mid}/schedule")
    await stack.call("meeting", "POST", f"/api/v1/meetings/{mid}/start")
    await settled(stack, people, elsewhere["id"])
    await resolution_objects(stack)
    await notifier_objects(stack, hook)
    return stack


async def settled(stack: Stack, people: dict[str, Any], elsewhere: str) -> None:
    """The other two services know every participant as they are now."""
    ids = stack.ids
    resolution_db, notifier_db = stack.resolution.app[RUNTIME].db(), stack.notifier.app[RUNTIME].db()

    async def current() -> bool:
        everyone = [uuid.UUID(p["id"]) for p in people.values()] + [uuid.UUID(elsewhere), uuid.UUID(ids["subject"])]
        known = await resolution_db.fetchval(
            "select count(*) from participants where id = any($1::uuid[]) and role is not null", everyone
        )
        state = await resolution_db.fetchrow(
            "select (select removed from participants where id = $1) as removed,"
            " (select role from participants where id = $2) as demoted,"
            " (select department_id from participants where id = $3) as moved,"
            " (select session_epoch from participants where id = $4) as epoch,"
            " (select status from meetings where id = $5) as status",
            uuid.UUID(ids["removed"]),
            uuid.UUID(ids["demoted_chair"]),
            uuid.UUID(ids["moved_rep"]),
            uuid.UUID(ids["revoked_invite"]),
            uuid.UUID(ids["meeting"]),
        )
        notified = await notifier_db.fetchval(
            "select count(*) filter (where participant_id = any($1::uuid[])) = $2"
            " and bool_or(removed and participant_id = $3) and bool_or(session_epoch > 0 and participant_id = $4)"
            " from participants",
            everyone,
            len(everyone),
            uuid.UUID(ids["removed"]),
            uuid.UUID(ids["revoked_invite"]),
        )
        return bool(
            known == len(everyone)
            and state["removed"]
            and state["demoted"] == "observer"
            and str(state["moved"]) == ids["TN"]
            and state["epoch"] > 0
            and state["status"] == "in_progress"
            and notified
        )

    await wait_for(current, timeout=20, what="resolution_svc and the notifier to know the current participants")


async def resolution_objects(stack: Stack) -> None:
    ids, mid = stack.ids, stack.ids["meeting"]
    text = {"vi": "Nghị quyết", "en": "Resolution"}
    directive = {"title": {"vi": "Số hóa quản lý"}, "department_ids": [ids["DL"]], "due_date": "2030-12-31"}
    body = {"title": text, "text": text, "directives": [directive]}
    ids["resolution"] = (await stack.call("resolution", "POST", f"/api/v1/meetings/{mid}/resolutions", 201, json=body))[
        "id"
    ]
    adopted = await stack.call("resolution", "POST", f"/api/v1/meetings/{mid}/resolutions", 201, json=body)

    async def new_poll(**extra: Any) -> str:
        poll = {"motion": "procedural", "question": {"vi": "Biểu quyết"}, **extra}
        return (await stack.call("resolution", "POST", f"/api/v1/meetings/{mid}/polls", 201, json=poll))["id"]  # type: ignore[no-any-return]

    ids["poll_draft"] = await new_poll()
    ids["poll_open"] = await new_poll()
    ids["poll_closed"] = await new_poll()
    ids["poll_to_close"] = await new_poll()
    adoption = await new_poll(motion="resolution", resolution_id=adopted["id"])
    for poll in (ids["poll_open"], ids["poll_closed"], ids["poll_to_close"], adoption):
        await stack.call("resolution", "POST", f"/api/v1/polls/{poll}/open")
    for voter in ("chair", "voting_member", "department_representative"):
        response = await stack.resolution.post(
            f"/api/v1/polls/{adoption}/ballots", json={"choice": "yes"}, headers=stack.auth[voter]
        )
        assert response.status == 201, await response.text()
    for poll in (ids["poll_closed"], adoption):
        await stack.call("resolution", "POST", f"/api/v1/polls/{poll}/close")
    directives = await stack.call("resolution", "GET", "/api/v1/directives", params={"meeting_id": mid})
    [ids["directive"]] = [d["id"] for d in directives["items"]]


async def notifier_objects(stack: Stack, hook: Endpoint) -> None:
    sub = await stack.call(
        "notifier", "POST", "/api/v1/subscriptions", 201, json={"url": hook.url, "event_types": ["*"]}
    )
    stack.ids["subscription"] = sub["id"]
    stack.ids["hook"] = hook.url

    async def delivered() -> str | None:
        items = (await stack.call("notifier", "GET", f"/api/v1/subscriptions/{sub['id']}/deliveries"))["items"]
        return items[0]["id"] if items else None

    await stack.meeting.post(
        f"/api/v1/meetings/{stack.ids['meeting']}/agenda",
        json={"title": {"vi": "Khai mạc"}, "kind": "other"},
        headers=stack.organiser,
    )
    stack.ids["delivery"] = await wait_for(delivered, what="a delivery")
    # the link in the subject's emails to their notice settings, once the notifier knows them
    notifier_db = stack.notifier.app[RUNTIME].db()
    known = "select true from participants where participant_id = $1"
    await wait_for(lambda: notifier_db.fetchval(known, uuid.UUID(stack.ids["subject"])), what="the subject")
    stack.ids["notice_key"] = (await own_key(notifier_db, "notice_links")).hex()


async def notice_token(stack: Stack) -> str:
    """The link in the subject's latest email, as the notifier makes it: under the current generation of
    their invite (rows before reissue it), once the notifier has heard of that generation."""
    subject = uuid.UUID(stack.ids["subject"])
    epoch = (
        await stack.meeting.app[RUNTIME].db().fetchval("select session_epoch from participants where id = $1", subject)
    )
    known = "select session_epoch >= $2 from participants where participant_id = $1"
    notifier_db = stack.notifier.app[RUNTIME].db()
    await wait_for(lambda: notifier_db.fetchval(known, subject, epoch), what="the subject's invite generation")
    return settings_token(bytes.fromhex(stack.ids["notice_key"]), subject, epoch)


@dataclass
class Call:
    path: str
    json: Any = None
    data: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


async def prepare(stack: Stack, row: Row) -> Call:
    """The request of a row, with fresh objects where the request consumes one (deleted, decided)."""
    ids, mid = stack.ids, stack.ids["meeting"]
    values = {
        "meeting_id": mid,
        "department_id": ids["DL"],
        "participant_id": ids["subject"],
        "resolution_id": ids["resolution"],
        "directive_id": ids["directive"],
        "subscription_id": ids["subscription"],
        "delivery_id": ids["delivery"],
        "poll_id": ids["poll_open"],
    }
    if "{token}" in row.path:
        values["token"] = await notice_token(stack)
    key = (row.method, row.path)
    body: Any = None
    data: bytes | None = None
    headers: dict[str, str] = {}
    agenda = f"/api/v1/meetings/{mid}/agenda"
    people = f"/api/v1/meetings/{mid}/participants"
    requests = f"/api/v1/meetings/{mid}/contribution-requests"
    if "{item_id}" in row.path:
        title = f"Mục {uuid.uuid4().hex[:6]}"
        items = await stack.call("meeting", "POST", agenda, 201, json={"title": {"vi": title}, "kind": "other"})
        [values["item_id"]] = [i["id"] for i in items["items"] if i["title"]["vi"] == title]
    if (row.path.endswith("{participant_id}") and row.method in ("PATCH", "DELETE")) or row.path.endswith("/invite"):
        values["participant_id"] = (await stack.invite())["id"]
    if "{request_id}" in row.path:
        values["request_id"], values["submission_id"] = await contribution(stack, requests, fresh=row.method == "POST")
    if "{amendment_id}" in row.path:
        amendment = await stack.resolution.post(
            f"/api/v1/resolutions/{ids['resolution']}/amendments",
            json={"text": {"vi": f"Bổ sung {uuid.uuid4().hex[:6]}"}},
            headers=stack.auth["voting_member"],
        )
        values["amendment_id"] = (await amendment.json())["id"]
    if (
        row.path.endswith("/result")
        or row.path.endswith("/receipts")
        or key == ("GET", "/api/v1/polls/{poll_id}/ballots")
        or ("{poll_id}" in row.path and row.path.endswith(":export"))
    ):
        values["poll_id"] = ids["poll_closed"]
    if row.path.endswith("/open"):
        values["poll_id"] = ids["poll_draft"]
    if row.path.endswith("/close"):
        values["poll_id"] = ids["poll_to_close"]
    if row.method == "DELETE" and row.path == "/api/v1/subscriptions/{subscription_id}":
        sub = await stack.call(
            "notifier", "POST", "/api/v1/subscriptions", 201, json={"url": ids["hook"], "event_types": ["*"]}
        )
        values["subscription_id"] = sub["id"]
    if row.path == "/api/v1/api-tokens/{token_id}":
        made = await stack.call("meeting", "POST", "/api/v1/api-tokens", 201, json={"name": "Máy điểm danh"})
        values["token_id"] = made["id"]
    if "{version}" in row.path:
        values["version"] = (await stack.call("meeting", "POST", f"/api/v1/meetings/{mid}/minutes/approve", 201))[
            "version"
        ]
    if "{speaker_id}" in row.path:
        speaker = await stack.call(
            "meeting",
            "POST",
            f"{agenda}/{values['item_id']}/speakers",
            201,
            json={"participant_id": ids["subject"], "kind": "pro"},
        )
        values["speaker_id"] = speaker["id"]
    if "{motion_id}" in row.path:
        motion = await stack.meeting.post(
            f"/api/v1/meetings/{mid}/motions",
            json={"kind": "procedural", "text": {"vi": "Đề nghị"}},
            headers=stack.auth["voting_member"],
        )
        assert motion.status == 201, await motion.text()
        values["motion_id"] = (await motion.json())["id"]
    if "{display_id}" in row.path:
        values["display_id"] = (await stack.call("meeting", "POST", f"/api/v1/meetings/{mid}/displays", 201))["id"]
    path = row.path.format(**values)
    match key:
        case ("POST", "/api/v1/departments"):
            body = {"name": {"vi": f"Phòng {uuid.uuid4().hex[:6]}"}}
        case ("PATCH", "/api/v1/departments/{department_id}"):
            body = {"name": {"vi": "Khối Đo lường"}}
        case ("POST", "/api/v1/meetings"):
            body = {
                "title": {"vi": "Họp"},
                "starts_at": STARTS.isoformat(),
                "ends_at": (STARTS + dt.timedelta(hours=1)).isoformat(),
                "timezone": "Asia/Ho_Chi_Minh",
            }
        case ("PATCH", "/api/v1/meetings/{meeting_id}"):
            body = {"venue": {"name": "Khách sạn Minh Toan Galaxy"}}
        case ("POST", "/notices/{token}"):
            data = b"List-Unsubscribe=One-Click"
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        case ("PUT", "/api/v1/meetings/{meeting_id}/notification-policy"):
            body = {"rules": {"poll_opened": {"audience": "nobody"}}}
        case ("POST", "/api/v1/meetings/{meeting_id}/cancel"):
            body = {"reason": "hoãn"}
        case ("POST", "/api/v1/meetings/{meeting_id}/agenda"):
            body = {"title": {"vi": "Thảo luận"}, "kind": "discussion"}
        case ("PUT", "/api/v1/meetings/{meeting_id}/agenda/order"):
            items = await stack.call("meeting", "GET", agenda)
            body = {"item_ids": [i["id"] for i in items["items"]]}
        case ("PATCH", "/api/v1/meetings/{meeting_id}/agenda/{item_id}"):
            body = {"presenter": "Thư ký"}
        case ("POST", "/api/v1/meetings/{meeting_id}/participants"):
            body = {"name": "Khách mời", "role": "observer"}
        case ("POST", "/api/v1/meetings/{meeting_id}/duplicate"):
            body = {
                "title": {"vi": "Họp lại"},
                "starts_at": STARTS.isoformat(),
                "ends_at": (STARTS + dt.timedelta(hours=1)).isoformat(),
                "participants": False,
            }
        case ("POST", "/api/v1/meetings/{meeting_id}/participants:preview"):
            data = "name,role\nNgười xem trước,observer\n".encode()
            headers = {"Content-Type": "text/csv"}
        case ("POST", "/api/v1/meetings/{meeting_id}/participants:import"):
            data = f"name,role\nNgười {uuid.uuid4().hex[:6]},observer\n".encode()
            headers = {"Content-Type": "text/csv"}
        case ("PATCH", "/api/v1/meetings/{meeting_id}/participants/{participant_id}"):
            body = {"name": "Tên mới"}
        case ("POST", "/auth/sign-in"):
            body = {"email": ids["email"], "password": SIGN_IN_PASSWORD}
        case ("POST", "/auth/password-reset"):
            body = {"email": ids["email"]}
        case ("POST", "/auth/password-reset/complete"):
            body = {"token": "spent-link-0123456789", "password": SIGN_IN_PASSWORD}
        case ("POST", "/api/v1/api-tokens"):
            body = {"name": "Bảng điểm danh", "scope": "read"}
        case ("POST", "/api/v1/sessions"):
            fresh = await stack.call("meeting", "POST", f"{people}/{ids['subject']}/invite", 201)
            body = {"invite_code": fresh["invite_url"].rsplit("/", 1)[1]}
        case ("POST", "/api/v1/meetings/{meeting_id}/invitations:send"):
            body = {}
        case ("POST", "/api/v1/meetings/{meeting_id}/participants/{participant_id}/rsvp"):
            body = {"response": "attending"}
        case ("POST", "/api/v1/meetings/{meeting_id}/check-in:scanned"):
            body = {"invite_code": (await stack.invite())["invite_url"].rsplit("/", 1)[1]}
        case ("PUT", "/api/v1/meetings/{meeting_id}/minutes/summaries/{item_id}"):
            body = {"summary": {"vi": "Tóm tắt", "en": "Summary"}}
        case ("DELETE", "/api/v1/departments/{department_id}/calendar-feed"):
            await stack.call("resolution", "POST", path, 201)  # a feed to revoke
        case ("DELETE", "/api/v1/meetings/{meeting_id}/participants/{participant_id}/calendar-feed"):
            await stack.call("meeting", "POST", path, 201)  # a feed to revoke
        case ("POST", "/api/v1/meetings/{meeting_id}/participants/{participant_id}/proxy"):
            body = {"holder_id": ids["voting_member"]}
        case ("POST", "/api/v1/meetings/{meeting_id}/contribution-requests"):
            body = {"topic": {"vi": "Tham luận"}, "department_ids": [ids["DL"]], "deadline": STARTS.isoformat()}
        case ("POST", _) if row.path.endswith("/submissions"):
            body = {"title": "Báo cáo tham luận", "body": "Nội dung"}
        case ("PUT", _) if "/submissions/" in row.path:
            current = await stack.call("meeting", "GET", path)
            body = {"title": "Bản sửa", "body": "Nội dung"}
            headers = {"If-Match": f'"{current["revision"]}"'}
        case ("POST", "/api/v1/meetings/{meeting_id}/room/item"):
            body = {"move": "next"}
        case ("PUT", "/api/v1/meetings/{meeting_id}/room/projector"):
            body = {"mode": "speakers"}
        case ("POST", "/api/v1/meetings/{meeting_id}/agenda/{item_id}/speakers"):
            body = {"participant_id": ids["subject"], "kind": "contribution"}
        case ("PUT", "/api/v1/meetings/{meeting_id}/agenda/{item_id}/speakers/order"):
            listing = await stack.call("meeting", "GET", path.removesuffix("/order"))
            body = {"speaker_ids": [s["id"] for s in listing["speakers"] if s["status"] == "waiting"]}
        case ("PATCH", "/api/v1/meetings/{meeting_id}/agenda/{item_id}/speaker-list"):
            body = {"speaking_seconds": 120}
        case ("POST", "/api/v1/meetings/{meeting_id}/motions"):
            body = {"kind": "procedural", "text": {"vi": "Đề nghị biểu quyết ngay"}}
        case ("POST", "/api/v1/meetings/{meeting_id}/displays"):
            body = {"label": "Hội trường"}
        case ("GET", "/api/v1/display"):
            link = await stack.call("meeting", "POST", f"/api/v1/meetings/{mid}/displays", 201)
            headers = {"Authorization": "Display " + link["url"].split("#", 1)[1]}
        case ("POST", "/api/v1/meetings/{meeting_id}/resolutions"):
            body = {"title": {"vi": "Nghị quyết"}, "text": {"vi": "..."}}
        case ("PATCH", "/api/v1/resolutions/{resolution_id}"):
            response = await stack.resolution.get(path, headers=stack.organiser)
            body = {"text": {"vi": "Văn bản"}}
            headers = {"If-Match": response.headers["ETag"]}
        case ("POST", "/api/v1/resolutions/{resolution_id}/amendments"):
            body = {"text": {"vi": f"Bổ sung {uuid.uuid4().hex[:6]}"}}
        case ("POST", "/api/v1/meetings/{meeting_id}/polls"):
            body = {"motion": "procedural", "question": {"vi": "Biểu quyết"}}
        case ("POST", "/api/v1/polls/{poll_id}/ballots"):
            body = {"choice": "yes"}
        case ("PATCH", "/api/v1/directives/{directive_id}"):
            body = {"status": "in_progress", "note": "đang làm"}
        case ("POST", "/api/v1/subscriptions"):
            body = {"url": ids["hook"], "event_types": ["*"]}
        case ("PATCH", "/api/v1/subscriptions/{subscription_id}"):
            body = {"description": "ERP"}
        case ("POST", "/api/v1/subscriptions/{subscription_id}/rotate-secret"):
            body = {}
        case ("POST", "/api/v1/subscriptions/{subscription_id}/replay"):
            body = {"since": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat()}
    return Call(path, body, data, headers)


async def contribution(stack: Stack, requests: str, *, fresh: bool) -> tuple[str, str]:
    """A request addressed to DL, and the representative's report on it (none yet when `fresh`)."""
    body = {"topic": {"vi": "Tham luận"}, "department_ids": [stack.ids["DL"]], "deadline": STARTS.isoformat()}
    if fresh or "request" not in stack.ids:
        request = await stack.call("meeting", "POST", requests, 201, json=body)
        if fresh:
            return request["id"], str(uuid.uuid4())
        stack.ids["request"] = request["id"]
        report = await stack.meeting.post(
            f"{requests}/{request['id']}/submissions",
            json={"title": "Báo cáo", "body": "Nội dung"},
            headers=stack.auth["department_representative"],
        )
        assert report.status == 201, await report.text()
        stack.ids["submission"] = (await report.json())["id"]
    return stack.ids["request"], stack.ids["submission"]


async def outcome(stack: Stack, row: Row, caller: str) -> Cell:
    call = await prepare(stack, row)
    headers = {**stack.auth[caller], **call.headers}
    kw: dict[str, Any] = {"data": call.data} if call.data is not None else {"json": call.json}
    client = stack.client(row.service)
    async with client.request(row.method, call.path, headers=headers, **kw) as response:
        status = response.status
    client.session.cookie_jar.clear()  # the callers hold bearer tokens: a sign-in's cookie stays out of it
    if 200 <= status < 300 or status == 409:
        return ALLOWED
    return status


@pytest.mark.lengthy
async def test_who_may_do_what_in_every_service(
    env: dict[str, Any],
    endpoint: Callable[..., Awaitable[Endpoint]],
    start_service: Callable[[web.Application], Awaitable[Client]],
) -> None:
    stack = await build(env, start_service, await endpoint())
    wrong: list[str] = []
    cells = 0
    for row in ROWS:
        for caller in CALLERS:
            got, want = await outcome(stack, row, caller), row.expected(caller)
            cells += 1
            if got != want:
                wrong.append(f"{row.service} {row.method} {row.path} as {caller}: {mark(got)}, expected {mark(want)}")
    assert not wrong, f"{len(wrong)} of {cells} cells wrong:\n" + "\n".join(wrong)
