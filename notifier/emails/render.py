"""Emails in Vietnamese or English, as plain text and HTML, rendered from the read model.

Rendering is pure: `render(kind, language, facts)` gives (subject, text, html), `digest(...)` the same
for a day's digest. Times are shown in the meeting's own time zone. The MIME message is built in
message.py and sent in send.py.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from servicekit import pg
from servicekit.zones import local, zone_text

Kind = Literal[
    "invitation",
    "reminder_24h",
    "reminder_1h",
    "contribution_requested",
    "contribution_deadline_near",
    "contribution_overdue",
    "poll_opened",
    "resolution_adopted",
    "directive_issued",
    "password_reset",
    "meeting_rescheduled",
    "meeting_cancelled",
    "minutes_published",
]

_WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_time(when: dt.datetime, timezone: str, language: str) -> str:
    """A moment as people in the meeting's time zone read it, the zone said as the web client says it:
    `13:30, Thứ Năm 14/01/2021, giờ Việt Nam (GMT+7)`."""
    at = local(when, timezone)
    zone = zone_text(timezone, language, when)
    if language == "vi":
        return f"{at:%H:%M}, {_WEEKDAYS_VI[at.weekday()]} {at:%d/%m/%Y}, {zone}"
    return f"{_WEEKDAYS_EN[at.weekday()]} {at.day} {_MONTHS_EN[at.month - 1]} {at.year}, {at:%H:%M}, {zone}"


def format_date(day: dt.date, language: str) -> str:
    return f"{day:%d/%m/%Y}" if language == "vi" else f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def pick(vi: str, en: str, language: str) -> str:
    """The text in the reader's language, falling back to the other one."""
    return (vi or en) if language == "vi" else (en or vi)


@dataclass(frozen=True)
class DirectiveLine:
    title: str
    due: dt.date | None = None
    description: str = ""


# Stands for a personal link in a stored email until it is sent (a URL that can never resolve, RFC 6761).
LINK_PLACEHOLDER = "https://personal-link.invalid/"
# Stands for the link to the recipient's notice settings, made when the email is sent (send.py, with policy.py's token).
SETTINGS_PLACEHOLDER = "https://notice-settings.invalid/"


def footer(lang: str) -> tuple[str, str]:
    """The footer of every email as (text, HTML), with the settings link every email carries."""
    sent, choose = (
        ("Thư tự động từ hệ thống Hội nghị.", "Chọn loại thư bạn nhận")
        if lang == "vi"
        else ("Sent automatically by Hội nghị.", "Choose which emails you get")
    )
    return (
        f"{sent}\n{choose}: {SETTINGS_PLACEHOLDER}",
        f'{html.escape(sent)} <a href="{SETTINGS_PLACEHOLDER}">{html.escape(choose)}</a>',
    )


def with_link(text: str, html_body: str, link: str) -> tuple[str, str]:
    """The stored bodies with the placeholder replaced by the personal link."""
    return text.replace(LINK_PLACEHOLDER, link), html_body.replace(LINK_PLACEHOLDER, html.escape(link, quote=True))


@dataclass(frozen=True)
class Facts:
    """What an email may mention; fields not used by a kind stay empty."""

    name: str
    meeting_title: str
    starts_at: dt.datetime
    timezone: str
    venue: str = ""
    link: str = ""  # the meeting page, or the personal invite link for an invitation
    topic: str = ""  # contribution topic, poll question, resolution title
    deadline: dt.datetime | None = None
    directives: list[DirectiveLine] = field(default_factory=list)


Block = tuple[str, str] | tuple[str, list[str]]

# The inline image of the personal link's QR code, attached when the link is opened at sending time.
QR_CID = "invite-qr@hoinghi"


def _blocks(kind: Kind, lang: str, f: Facts) -> tuple[str, list[Block]]:
    vi = lang == "vi"
    when = format_time(f.starts_at, f.timezone, lang)
    deadline = format_time(f.deadline, f.timezone, lang) if f.deadline else ""
    greet: Block = ("p", f"Kính gửi {f.name}," if vi else f"Dear {f.name},")
    where = [f"{'Địa điểm' if vi else 'Venue'}: {f.venue}"] if f.venue else []
    directive_items = [
        d.title
        + (f" ({'hạn' if vi else 'due'} {format_date(d.due, lang)})" if d.due else "")
        + (f": {d.description}" if d.description else "")
        for d in f.directives
    ]
    match kind:
        case "invitation":
            subject = f"Thư mời: {f.meeting_title}" if vi else f"Invitation: {f.meeting_title}"
            body: list[Block] = [
                (
                    "p",
                    f"Trân trọng kính mời Quý vị tham dự {f.meeting_title}."
                    if vi
                    else f"You are invited to {f.meeting_title}.",
                ),
                ("list", [f"{'Thời gian' if vi else 'Time'}: {when}", *where]),
                (
                    "p",
                    "Đường dẫn cá nhân của Quý vị (không chia sẻ cho người khác):"
                    if vi
                    else "Your personal link (do not share it):",
                ),
                ("link", f.link),
            ]
            if f.link == LINK_PLACEHOLDER:
                body.append(("qr", "Mã QR đường dẫn cá nhân của Quý vị" if vi else "QR code of your personal link"))
            body.append(
                (
                    "p",
                    "Lịch họp được đính kèm (tệp .ics) để thêm vào lịch của Quý vị."
                    if vi
                    else "The meeting is attached as a calendar entry (.ics file) for your calendar.",
                )
            )
        case "meeting_rescheduled":
            subject = f"Thay đổi thời gian: {f.meeting_title}" if vi else f"Rescheduled: {f.meeting_title}"
            body = [
                (
                    "p",
                    f"{f.meeting_title} được chuyển sang thời gian mới: {when}."
                    if vi
                    else f"{f.meeting_title} has moved to a new time: {when}.",
                ),
                ("list", where),
                (
                    "p",
                    "Lịch họp đính kèm thay thế lịch đã gửi trước đây."
                    if vi
                    else "The attached calendar entry replaces the one sent before.",
                ),
                ("link", f.link),
            ]
        case "meeting_cancelled":
            subject = f"Hủy cuộc họp: {f.meeting_title}" if vi else f"Cancelled: {f.meeting_title}"
            body = [
                (
                    "p",
                    f"{f.meeting_title} ({when}) đã bị hủy."
                    if vi
                    else f"{f.meeting_title} ({when}) has been cancelled.",
                ),
                *([("p", f.topic)] if f.topic else []),
                (
                    "p",
                    "Lịch họp đính kèm xóa cuộc họp khỏi lịch của Quý vị."
                    if vi
                    else "The attached calendar entry removes the meeting from your calendar.",
                ),
            ]
        case "minutes_published":
            subject = f"Biên bản đã được phê duyệt: {f.meeting_title}" if vi else f"Minutes approved: {f.meeting_title}"
            body = [
                (
                    "p",
                    f"Biên bản {f.meeting_title} (phiên bản {f.topic}) đã được chủ trì phê duyệt; Quý vị có thể xem"
                    " và tải bản PDF tại trang hội nghị."
                    if vi
                    else f"The minutes of {f.meeting_title} (version {f.topic}) were approved by the chair; read them"
                    " and download the PDF from the meeting's page.",
                ),
                ("link", f.link),
            ]
        case "reminder_24h" | "reminder_1h":
            subject = f"Nhắc lịch: {f.meeting_title}, {when}" if vi else f"Reminder: {f.meeting_title}, {when}"
            body = [
                ("p", f"{f.meeting_title} sẽ bắt đầu lúc {when}." if vi else f"{f.meeting_title} starts at {when}."),
                ("list", where),
                ("link", f.link),
            ]
        case "contribution_requested":
            subject = f"Đề nghị gửi báo cáo tham luận: {f.topic}" if vi else f"Contribution requested: {f.topic}"
            body = [
                (
                    "p",
                    f"Đơn vị của Quý vị được đề nghị gửi báo cáo tham luận cho {f.meeting_title}."
                    if vi
                    else f"Your department is asked for a contribution to {f.meeting_title}.",
                ),
                (
                    "list",
                    [f"{'Chủ đề' if vi else 'Topic'}: {f.topic}", f"{'Hạn nộp' if vi else 'Deadline'}: {deadline}"],
                ),
                ("link", f.link),
            ]
        case "contribution_deadline_near":
            subject = f"Sắp đến hạn nộp tham luận: {f.topic}" if vi else f"Contribution deadline near: {f.topic}"
            body = [
                (
                    "p",
                    f"Đơn vị của Quý vị chưa gửi tham luận; hạn nộp là {deadline}."
                    if vi
                    else f"Your department has not submitted its contribution yet; the deadline is {deadline}.",
                ),
                ("link", f.link),
            ]
        case "contribution_overdue":
            subject = f"Quá hạn nộp tham luận: {f.topic}" if vi else f"Contribution overdue: {f.topic}"
            body = [
                (
                    "p",
                    f"Đã quá hạn nộp tham luận ({deadline}) mà chưa nhận được báo cáo của đơn vị."
                    if vi
                    else f"The deadline ({deadline}) has passed without your department's contribution.",
                ),
                ("link", f.link),
            ]
        case "poll_opened":
            subject = f"Mở biểu quyết: {f.topic}" if vi else f"Vote open: {f.topic}"
            body = [
                (
                    "p",
                    f"Biểu quyết đã mở tại {f.meeting_title}: {f.topic}"
                    if vi
                    else f"A vote is open at {f.meeting_title}: {f.topic}",
                ),
                ("link", f.link),
            ]
        case "resolution_adopted":
            subject = f"Nghị quyết đã được thông qua: {f.topic}" if vi else f"Resolution adopted: {f.topic}"
            body = [
                (
                    "p",
                    f"{f.meeting_title} đã thông qua nghị quyết “{f.topic}”."
                    if vi
                    else f"{f.meeting_title} adopted the resolution “{f.topic}”.",
                ),
            ]
            if directive_items:
                body.append(("p", "Các nhiệm vụ được giao:" if vi else "Directives:"))
                body.append(("list", directive_items))
            body.append(("link", f.link))
        case "directive_issued":
            subject = f"Nhiệm vụ được giao cho đơn vị: {f.topic}" if vi else f"Directive for your department: {f.topic}"
            body = [
                (
                    "p",
                    f"Theo nghị quyết của {f.meeting_title}, đơn vị của Quý vị được giao:"
                    if vi
                    else f"Under the resolution of {f.meeting_title}, your department is directed to:",
                ),
                ("list", directive_items),
                ("link", f.link),
            ]
        case "password_reset":
            subject = "Đặt lại mật khẩu Hội nghị" if vi else "Reset your Hội nghị password"
            body = [
                (
                    "p",
                    f"Có yêu cầu đặt lại mật khẩu cho tài khoản Ban tổ chức của Quý vị. Liên kết dưới đây dùng được"
                    f" một lần, đến {deadline}; đặt mật khẩu mới sẽ đăng xuất mọi phiên khác."
                    if vi
                    else f"Someone asked to reset the password of your organiser account. The link below works once,"
                    f" until {deadline}; setting a new password signs out every other session.",
                ),
                ("link", f.link),
                (
                    "p",
                    "Nếu không phải Quý vị yêu cầu, xin bỏ qua thư này: mật khẩu không thay đổi."
                    if vi
                    else "If you did not ask for this, ignore this email: your password stays as it is.",
                ),
            ]
    return one_line(subject), [greet, *body]


def render(kind: Kind, language: str, facts: Facts) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one email."""
    lang = "vi" if language == "vi" else "en"
    subject, blocks = _blocks(kind, lang, facts)
    text: list[str] = []
    parts: list[str] = []
    for tag, value in blocks:
        if tag == "p":
            assert isinstance(value, str)
            text.append(value)
            parts.append(f"<p>{html.escape(value)}</p>")
        elif tag == "list" and value:
            assert isinstance(value, list)
            text.append("\n".join(f"- {item}" for item in value))
            parts.append("<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in value) + "</ul>")
        elif tag == "link" and value:
            assert isinstance(value, str)
            text.append(value)
            url = html.escape(value, quote=True)
            parts.append(f'<p><a href="{url}">{url}</a></p>')
        elif tag == "qr":
            assert isinstance(value, str)
            alt = html.escape(value, quote=True)
            parts.append(f'<p><img src="cid:{QR_CID}" alt="{alt}" width="200" height="200"></p>')
    foot_text, foot_html = footer(lang)
    text.append(f"--\n{foot_text}")
    page = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(subject)}</title></head>'
        f"<body>{''.join(parts)}<hr><p><small>{foot_html}</small></p></body></html>"
    )
    return subject, "\n\n".join(text) + "\n", page


_NOT_ONE_LINE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def one_line(text: str) -> str:
    """Text from people made fit for a header: line breaks, tabs and other control characters (a poll
    question may hold several lines) become one space, so no data can end a header or start another.
    A literal `=?` gets a zero-width space after the `=`: otherwise text that looks like an RFC 2047
    encoded word ("=?utf-8?q?…?=") would be decoded by every mail reader instead of shown as typed."""
    return _NOT_ONE_LINE.sub(" ", text).strip().replace("=?", "=\u200b?")


def digest(language: str, meeting_title: str, items: Sequence[pg.RowLike]) -> tuple[str, str, str]:
    """(subject, text, HTML) of one participant's digest: each held notice's subject and text, in order."""
    vi = language == "vi"
    subject = f"Tin tổng hợp trong ngày: {meeting_title}" if vi else f"Daily digest: {meeting_title}"
    intro = (
        f"Các thông báo về {meeting_title} từ lần tổng hợp trước ({len(items)}):"
        if vi
        else f"Notices about {meeting_title} since the last digest ({len(items)}):"
    )
    text = [intro]
    parts = [f"<p>{html.escape(intro)}</p>"]
    for item in items:
        # the held email's text without its own footer: the digest has one
        body = item["text_body"].split("\n--\n", 1)[0].strip()
        text.append(f"== {item['subject']} ==\n{body}")
        parts.append(f"<h2>{html.escape(item['subject'])}</h2><pre>{html.escape(body)}</pre>")
    foot_text, foot_html = footer("vi" if vi else "en")
    text.append(f"--\n{foot_text}")
    page = (
        f'<!doctype html><html lang="{"vi" if vi else "en"}"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head><body>{''.join(parts)}"
        f"<hr><p><small>{foot_html}</small></p></body></html>"
    )
    return subject, "\n\n".join(text) + "\n", page
