"""The page a personal invite link opens: who you are, the meeting, its time in the meeting's own time
zone, the venue and the agenda, in the participant's language, and the way into the web client.
Server-rendered and script-free."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

import msgspec
from aiohttp import web

from meeting_svc import credentials
from meeting_svc.access import WINDOW, pool
from meeting_svc.meetings import db as meetings_db
from meeting_svc.meetings.rules import local
from meeting_svc.people import db, join
from servicekit import pg
from servicekit.zones import zone_text

KINDS = {
    "vi": {"report": "Báo cáo", "contribution": "Tham luận", "discussion": "Thảo luận", "vote": "Biểu quyết"},
    "en": {"report": "Report", "contribution": "Contribution", "discussion": "Discussion", "vote": "Vote"},
}
ROLES = {
    "vi": {
        "chair": "chủ trì",
        "secretary": "thư ký",
        "voting_member": "đại biểu biểu quyết",
        "department_representative": "đại diện đơn vị",
        "observer": "khách mời",
    },
    "en": {
        "chair": "chair",
        "secretary": "secretary",
        "voting_member": "voting member",
        "department_representative": "department representative",
        "observer": "observer",
    },
}
TEXT = {
    "vi": {
        "hello": "Kính gửi {name}",
        "as": "Quý vị tham dự với vai trò {role}.",
        "when": "Thời gian",
        "where": "Địa điểm",
        "online": "Trực tuyến",
        "agenda": "Chương trình",
        "minutes": "phút",
        "apps": "Xin giữ riêng liên kết này: đây là lối vào hội nghị dành riêng cho Quý vị.",
        "enter": "Vào hội nghị",
        "qr": "Mã QR của đường dẫn cá nhân (xuất trình tại bàn đón tiếp)",
        "qr_download": "Tải mã QR (PNG)",
        "calendar": "Thêm vào lịch (tệp .ics)",
        "invalid": "Liên kết mời không hợp lệ (đã bị thu hồi hoặc gõ sai).",
        "expired": "Hội nghị đã kết thúc; liên kết mời không còn hiệu lực.",
    },
    "en": {
        "hello": "Dear {name}",
        "as": "You take part as {role}.",
        "when": "When",
        "where": "Where",
        "online": "Online",
        "agenda": "Agenda",
        "minutes": "min",
        "apps": "Please keep this link to yourself: it is your personal way into the meeting.",
        "enter": "Enter the meeting",
        "qr": "QR code of your personal link (show it at the check-in desk)",
        "qr_download": "Download the QR code (PNG)",
        "calendar": "Add to your calendar (.ics file)",
        "invalid": "This invite link is not valid (revoked or mistyped).",
        "expired": "The meeting is over; this invite link no longer works.",
    },
}
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
    "h1{font-size:1.4rem}dt{font-weight:600}ol li{margin:.3rem 0}small{color:#555}"
    ".enter{display:inline-block;padding:.6rem 1.2rem;background:#1d4ed8;color:#fff;border-radius:.4rem;"
    "text-decoration:none;font-weight:600}"
)


def pick(row: Any, field: str, lang: str) -> str:
    other = "en" if lang == "vi" else "vi"
    return str(row[f"{field}_{lang}"] or row[f"{field}_{other}"] or "")


def _page(lang: str, title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )


def problem_page(kind: str) -> str:
    """Both languages: we do not know whose link it was."""
    return _page("vi", "Hội nghị", f"<p>{TEXT['vi'][kind]}</p><p lang='en'>{TEXT['en'][kind]}</p>")


def invitation_page(participant: Any, meeting: Any, agenda: list[Any], enter_url: str, files_url: str) -> str:
    """`files_url` is the link's own path, under which its QR code and calendar file are served."""
    lang = "en" if participant["language"] == "en" else "vi"
    t = TEXT[lang]
    files = escape(files_url, quote=True)
    title = pick(meeting, "title", lang)
    starts, ends = local(meeting["starts_at"], meeting["timezone"]), local(meeting["ends_at"], meeting["timezone"])
    zone = zone_text(meeting["timezone"], lang, meeting["starts_at"])
    when = f"{starts:%d/%m/%Y %H:%M}–{ends:%H:%M}, {escape(zone)}"  # as the web client writes a meeting's time
    facts = [f"<dt>{t['when']}</dt><dd>{when}</dd>"]
    if meeting["venue_name"]:
        venue = escape(meeting["venue_name"]) + (
            f", {escape(meeting['venue_address'])}" if meeting["venue_address"] else ""
        )
        facts.append(f"<dt>{t['where']}</dt><dd>{venue}</dd>")
    if meeting["online_url"]:
        url = escape(meeting["online_url"], quote=True)
        facts.append(f'<dt>{t["online"]}</dt><dd><a href="{url}" rel="noreferrer">{url}</a></dd>')
    items = []
    for item in agenda:
        extra = [KINDS[lang].get(item["kind"], "")]
        if item["presenter"]:
            extra.append(escape(item["presenter"]))
        if item["planned_minutes"]:
            extra.append(f"{item['planned_minutes']} {t['minutes']}")
        note = " · ".join(e for e in extra if e)
        items.append(f"<li>{escape(pick(item, 'title', lang))}{f' <small>({note})</small>' if note else ''}</li>")
    body = (
        f"<h1>{escape(title)}</h1>"
        f"<p>{t['hello'].format(name=escape(participant['name']))},<br>"
        f"{t['as'].format(role=ROLES[lang].get(participant['role'], participant['role']))}</p>"
        f"<dl>{''.join(facts)}</dl>"
        + (f"<h2>{t['agenda']}</h2><ol>{''.join(items)}</ol>" if items else "")
        + f'<p><a class="enter" href="{escape(enter_url, quote=True)}">{t["enter"]}</a></p>'
        + f"<p><small>{t['apps']}</small></p>"
        + f'<figure><img src="{files}/qr.svg" alt="{t["qr"]}" width="198" height="198">'
        + f"<figcaption><small>{t['qr']}</small></figcaption></figure>"
        + f'<p><a href="{files}/meeting.ics" download>{t["calendar"]}</a> · '
        + f'<a href="{files}/qr.png" download>{t["qr_download"]}</a></p>'
    )
    return _page(lang, title, body)


PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the link is the credential
    "X-Robots-Tag": "noindex",
    # its style is inline, its script none
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none';"
        " form-action 'none'; frame-ancestors 'none'"
    ),
}


HTML: dict[str, Any] = {"content_type": "text/html", "charset": "utf-8", "headers": PAGE_HEADERS}


async def invite_holder(request: web.Request, conn: pg.Connection) -> pg.Row | web.Response:
    """The participant whose personal link this is, while it works; else the page that says why."""
    row = await db.by_invite(conn, credentials.sha256(request.match_info["code"]))
    if row is None:
        return web.Response(status=404, text=join.problem_page("invalid"), **HTML)
    if request.app[WINDOW].token_ends(row["role"], row["ends_at"], row["timezone"]) <= dt.datetime.now(dt.UTC):
        return web.Response(status=410, text=join.problem_page("expired"), **HTML)
    return row


async def join_page(request: web.Request) -> web.Response:
    """What a personal invite link opens in a browser; it reads, it does not sign in."""
    async with pool(request).acquire() as conn:
        row = await invite_holder(request, conn)
        if isinstance(row, web.Response):
            return row
        meeting = await meetings_db.meeting_with_agenda(conn, row["meeting_id"])
    assert meeting is not None  # a participant's meeting is never deleted
    items = msgspec.json.decode(meeting["agenda"])
    enter = f"/meetings/{row['meeting_id']}#invite={request.match_info['code']}"
    files = f"/join/{request.match_info['code']}"
    return web.Response(text=join.invitation_page(row, meeting, items, enter, files), **HTML)
