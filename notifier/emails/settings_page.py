"""A participant's notice settings, reached from the link in every email without signing in: the page
(GET) and its changes (POST), which is also where a mail provider's one-click unsubscribe posts (RFC 8058)."""

from __future__ import annotations

import html
from typing import Any

from aiohttp import web

from notifier.access import pool
from notifier.emails import db
from notifier.emails.db import LinkKey
from notifier.emails.policy import KIND_NAMES, link_stands, read_token
from schemas.notices import NOTICE_KINDS
from servicekit.http import Problem

LINK_KEY = web.AppKey("link_key", LinkKey)

WORDS = {
    "vi": {
        "title": "Thư thông báo của bạn",
        "intro": "Chọn loại thư bạn muốn nhận về {meeting}. Thư mời và thư giao nhiệm vụ cho người phụ trách"
        " luôn được gửi.",
        "on": "Đang nhận",
        "off": "Đã tắt",
        "turn_off": "Tắt",
        "turn_on": "Bật lại",
        "confirm": "Bạn muốn tắt loại thư này?",
        "saved_off": "Đã tắt: {kind}. Bạn có thể bật lại bất cứ lúc nào.",
        "saved_on": "Đã bật lại: {kind}.",
    },
    "en": {
        "title": "Your notification emails",
        "intro": "Choose which emails you get about {meeting}. Invitations, and directives to the person"
        " responsible, always go.",
        "on": "On",
        "off": "Off",
        "turn_off": "Turn off",
        "turn_on": "Turn back on",
        "confirm": "Turn this kind of email off?",
        "saved_off": "Turned off: {kind}. You can turn it back on at any time.",
        "saved_on": "Turned back on: {kind}.",
    },
}


async def person_of(request: web.Request) -> Any:
    key = await request.app[LINK_KEY].get(pool(request))
    read = read_token(key, request.match_info["token"])
    row = None if read is None else await db.participant(pool(request), read[0])
    if row is None or read is None or not link_stands(read[1], row["removed"], row["session_epoch"]):
        raise Problem(404, "Not found", "this link is not valid: open the one in your latest email")
    return row


def kind_of(value: str | None, field: str = "kind") -> str | None:
    if value is None:
        return None
    if value not in NOTICE_KINDS:
        raise Problem(422, "Unknown kind", f"one of {', '.join(NOTICE_KINDS)}", field=field)
    return value


async def show(request: web.Request) -> web.Response:
    person = await person_of(request)
    asked = kind_of(request.query.get("kind"))
    return await page(request, person, asked=asked)


async def change(request: web.Request) -> web.Response:
    """From the page: `kind` and `on` (1 or 0). From a mail provider's one-click (`List-Unsubscribe=One-Click`):
    the `kind` of the link's query turned off, or every kind when it names none (a digest)."""
    person = await person_of(request)
    try:
        form = await request.post()
    except ValueError:
        raise Problem(400, "Malformed form", "a form body (application/x-www-form-urlencoded)") from None
    if "on" in form:
        kind = kind_of(str(form.get("kind", "")))
        assert kind is not None
        if form["on"] not in ("0", "1"):
            raise Problem(422, "Invalid field", "on is 1 (receive) or 0 (turn off)", field="on")
        turn_on = form["on"] == "1"
        await (db.turn_on if turn_on else db.turn_off)(pool(request), person["participant_id"], [kind])
        return await page(request, person, changed=(kind, turn_on))
    kind = kind_of(request.query.get("kind"))
    await db.turn_off(pool(request), person["participant_id"], [kind] if kind else list(NOTICE_KINDS))
    return await page(request, person, changed=(kind or "", False))


async def page(
    request: web.Request,
    person: Any,
    *,
    asked: str | None = None,
    changed: tuple[str, bool] | None = None,
) -> web.Response:
    lang = "vi" if person["language"] == "vi" else "en"
    w = WORDS[lang]
    off = await db.kinds_off(pool(request), person["participant_id"])
    meeting = (person["title_vi"] or person["title_en"]) if lang == "vi" else (person["title_en"] or person["title_vi"])
    status = ""
    if changed is not None:
        kind, on = changed
        name = KIND_NAMES[kind][lang == "en"] if kind else ", ".join(n[lang == "en"] for n in KIND_NAMES.values())
        status = w["saved_on" if on else "saved_off"].format(kind=name)
    rows = []
    for kind in NOTICE_KINDS:
        name = KIND_NAMES[kind][lang == "en"]
        is_on = kind not in off
        label_id = f"kind-{kind}"
        ask = f'<p class="confirm">{html.escape(w["confirm"])}</p>' if asked == kind and is_on else ""
        rows.append(
            f'<li><form method="post" aria-labelledby="{label_id}">'
            f'<span id="{label_id}">{html.escape(name)}</span>: <strong>{html.escape(w["on" if is_on else "off"])}'
            f"</strong>{ask}"
            f'<input type="hidden" name="kind" value="{kind}">'
            f'<input type="hidden" name="on" value="{0 if is_on else 1}">'
            f' <button type="submit"{" autofocus" if asked == kind else ""}>'
            f"{html.escape(w['turn_off' if is_on else 'turn_on'])}</button></form></li>"
        )
    body = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(w['title'])}</title></head><body><main>"
        f"<h1>{html.escape(w['title'])}</h1><p>{html.escape(w['intro'].format(meeting=meeting))}</p>"
        f'<p role="status" aria-live="polite">{html.escape(status)}</p>'
        f"<ul>{''.join(rows)}</ul></main></body></html>"
    )
    return web.Response(
        text=body,
        content_type="text/html",
        headers={
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",  # the page's address is the participant's key
            "X-Robots-Tag": "noindex",
            "Content-Security-Policy": "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
        },
    )
