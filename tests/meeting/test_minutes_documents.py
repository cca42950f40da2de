"""The minutes' documents are typeset once and kept: an approved version's PDF is typeset at approval, in
a bounded pool of its own, and served as stored; text too long to typeset in seconds is refused naming
its field; typesetting never makes a sign-in wait; Typst reads nothing from the service's disk."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from meeting_svc.app import create_app
from meeting_svc.record import minutes_views
from meeting_svc.record.minutes import pdf
from meeting_svc.settings import Settings
from servicekit.runtime import RUNTIME
from tests.conftest import MovableClock, settings_of, wait_for
from tests.meeting.conftest import Caller, Client, Org, advance, new_meeting, ok
from tests.meeting.signin_helpers import new_account, sign_in_as

TypstSources = list[str]
BUDGET = 30_000  # characters of text a document may hold (the default)


@pytest.fixture
def meeting_settings(env: dict[str, Any]) -> Settings:
    return settings_of(Settings, env, public_url="https://meet.example.org", minutes_text_budget=BUDGET)


@pytest.fixture
def sources(monkeypatch: pytest.MonkeyPatch) -> TypstSources:
    """Every Typst source the service builds: one per document it typesets."""
    built: TypstSources = []
    real = pdf.source

    def counted(*args: Any, **kw: Any) -> str:
        src = real(*args, **kw)
        built.append(src)
        return src

    monkeypatch.setattr(pdf, "source", counted)
    return built


def cjk(n: int, seed: int = 1) -> str:
    """Chinese characters: a line may break between any two, the costliest text to typeset."""
    rng = random.Random(seed)
    return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(n))


async def minutes_meeting(client: Client, org: Org, summary: str = "Hội nghị khai mạc.") -> tuple[str, str]:
    mid = (await new_meeting(client, org))["id"]
    item = {"title": {"vi": "Khai mạc"}, "kind": "other"}
    await ok(await client.post(f"/api/v1/meetings/{mid}/agenda", json=item, headers=org.organiser.auth), 201)
    agenda = await ok(await client.get(f"/api/v1/meetings/{mid}/agenda", headers=org.organiser.auth))
    item_id = agenda["items"][0]["id"]
    await advance(client, org, mid, "schedule", "start")
    body = {"summary": {"vi": summary, "en": "Opened."}}
    await ok(
        await client.put(f"/api/v1/meetings/{mid}/minutes/summaries/{item_id}", json=body, headers=org.organiser.auth),
        204,
    )
    return mid, item_id


async def test_an_approved_version_is_typeset_at_approval_and_served_as_stored(
    client: Client, org: Org, sources: TypstSources
) -> None:
    mid, _ = await minutes_meeting(client, org)
    await ok(await client.post(f"/api/v1/meetings/{mid}/minutes/approve", headers=org.organiser.auth), 201)
    assert len(sources) == 2  # Vietnamese and English, once each
    url = f"/api/v1/meetings/{mid}/minutes/versions/1"
    first = await client.get(url, params={"format": "pdf"}, headers=org.organiser.auth)
    body = await first.read()
    assert first.status == 200 and first.content_type == "application/pdf" and body.startswith(b"%PDF")
    again = await client.get(url, params={"format": "pdf"}, headers=org.organiser.auth)
    assert await again.read() == body and again.headers["ETag"] == first.headers["ETag"]
    assert "immutable" in again.headers["Cache-Control"]
    english = await client.get(url, params={"format": "pdf", "lang": "en"}, headers=org.organiser.auth)
    assert english.status == 200 and await english.read() != body
    assert len(sources) == 2  # nothing typeset again
    cached = await client.get(
        url, params={"format": "pdf"}, headers={**org.organiser.auth, "If-None-Match": first.headers["ETag"]}
    )
    assert cached.status == 304
    page = await client.get(url, params={"format": "html"}, headers=org.organiser.auth)
    assert page.status == 200 and page.headers["ETag"] and "Khai mạc" in await page.text()


async def test_a_version_approved_before_documents_were_kept_is_typeset_once_then_kept(
    client: Client, org: Org, sources: TypstSources
) -> None:
    mid, _ = await minutes_meeting(client, org)
    await ok(await client.post(f"/api/v1/meetings/{mid}/minutes/approve", headers=org.organiser.auth), 201)
    db = client.app[RUNTIME].db()
    await db.execute(
        "update minutes_versions set pdf_vi = null, pdf_vi_sha256 = null, pdf_en = null, pdf_en_sha256 = null"
        " where meeting_id = $1",
        uuid.UUID(mid),
    )
    before = len(sources)
    url = f"/api/v1/meetings/{mid}/minutes/versions/1"
    first = await client.get(url, params={"format": "pdf"}, headers=org.organiser.auth)
    assert first.status == 200 and len(sources) == before + 1
    again = await client.get(url, params={"format": "pdf"}, headers=org.organiser.auth)
    assert await again.read() == await first.read() and len(sources) == before + 1


async def test_a_summary_too_long_to_typeset_is_refused_naming_its_field(client: Client, org: Org) -> None:
    mid, item_id = await minutes_meeting(client, org)
    url = f"/api/v1/meetings/{mid}/minutes/summaries/{item_id}"
    body = {"summary": {"vi": "chữ " * (BUDGET // 4 + 1), "en": ""}}
    refused = await client.put(url, json=body, headers=org.organiser.auth)
    problem = await refused.json()
    assert refused.status == 422 and problem["field"] == "summary.vi", problem
    assert problem["item_id"] == item_id and problem["budget"] == BUDGET
    draft = await ok(await client.get(f"/api/v1/meetings/{mid}/minutes", headers=org.organiser.auth))
    assert "Hội nghị khai mạc." in draft["html"]  # what was saved before stays


async def test_a_draft_too_long_to_typeset_is_refused_before_typesetting_and_not_approved(
    client: Client, org: Org, sources: TypstSources
) -> None:
    mid, item_id = await minutes_meeting(client, org)
    # a summary saved before the budget existed
    await (
        client.app[RUNTIME]
        .db()
        .execute(
            "update minutes_summaries set summary_vi = $2 where meeting_id = $1", uuid.UUID(mid), "x" * (BUDGET + 1)
        )
    )
    refused = await client.get(f"/api/v1/meetings/{mid}/minutes", params={"format": "pdf"}, headers=org.organiser.auth)
    problem = await refused.json()
    assert refused.status == 422 and problem["field"] == "agenda[1].summary" and problem["item_id"] == item_id
    approval = await client.post(f"/api/v1/meetings/{mid}/minutes/approve", headers=org.organiser.auth)
    assert approval.status == 422 and (await approval.json())["field"] == "agenda[1].summary"
    assert sources == []
    versions = await ok(await client.get(f"/api/v1/meetings/{mid}/minutes/versions", headers=org.organiser.auth))
    assert versions["items"] == []


async def test_an_approval_whose_typesetting_fails_is_refused_and_leaves_nothing(client: Client, org: Org) -> None:
    mid, _ = await minutes_meeting(client, org)
    client.app[minutes_views.TYPESETTER].timeout_s = 0.001
    approval = await client.post(f"/api/v1/meetings/{mid}/minutes/approve", headers=org.organiser.auth)
    problem = await approval.json()
    assert approval.status == 503 and approval.headers["Retry-After"] and problem["title"] == "Typesetting failed"
    versions = await ok(await client.get(f"/api/v1/meetings/{mid}/minutes/versions", headers=org.organiser.auth))
    assert versions["items"] == []
    published = await client.app[RUNTIME].db().fetch("select 1 from outbox where subject like '%minutes.published'")
    assert published == []


@pytest.mark.parametrize(
    "markup",
    ['#read("README.md")', '#image("/etc/passwd")', '#read("../../../../etc/passwd")', '#include "pyproject.toml"'],
)
def test_typst_reads_nothing_from_the_services_folder_or_disk(markup: str) -> None:
    # the service runs from its top folder, where README.md and pyproject.toml are
    assert Path("README.md").exists()
    secret = Path("README.md").read_text()[:40]
    try:
        document = pdf.compile_isolated(f"Before\n{markup}\nafter\n".encode(), 0)
    except Exception as error:  # the compiler refuses: the file is not in its (empty) root
        assert "not found" in str(error) or "escape" in str(error), error
    else:
        assert secret.encode() not in document and b"root:" not in document


async def test_typesetting_in_the_pool_reads_nothing_either() -> None:
    from meeting_svc.record.minutes.typesetting import Typesetter, TypesettingFailed

    with pytest.raises(TypesettingFailed, match="not found"):
        await Typesetter(1, 0, 30).pdf('#read("README.md")', 0)


@pytest.mark.slow
async def test_a_sign_in_does_not_wait_behind_typesetting(
    env: dict[str, Any],
    start_service: Callable[[web.Application], Awaitable[Client]],
    schedule_clock: MovableClock,
    sources: TypstSources,
) -> None:
    # one compile at a time, none queued: the others are refused at once, and the test stays short
    settings = settings_of(Settings, env, public_url="https://meet.example.org", typeset_workers=1, typeset_waiting=0)
    client = await start_service(create_app(settings, schedule_clock))
    account = await new_account(settings)
    org = Org(account.org, Caller(account.api_token))
    # a second or two of typesetting alone (20,000 Chinese characters, within the budget)
    mid, _ = await minutes_meeting(client, org, cjk(20_000))
    url = f"/api/v1/meetings/{mid}/minutes"
    asks = [
        asyncio.ensure_future(client.get(url, params={"format": "pdf"}, headers=org.organiser.auth)) for _ in range(6)
    ]

    async def all_in() -> bool:
        return len(sources) == 6

    await wait_for(all_in, timeout=30, what="six drafts being typeset")
    began = time.monotonic()
    signed_in = await sign_in_as(client, account.email)
    waited = time.monotonic() - began
    assert signed_in.status == 200
    answers = await asyncio.gather(*asks)
    assert waited < 5, f"the sign-in waited {waited:.1f} s behind typesetting"
    assert 200 in {a.status for a in answers}  # the others were refused at once: the pool was full
    assert all(a.status == 200 or (a.status == 503 and a.headers["Retry-After"]) for a in answers)
