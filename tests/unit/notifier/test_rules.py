"""The notifier's pure rules: SSRF refusals, event filters, signatures, retry schedule, emails."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import random

import pytest
from standardwebhooks.webhooks import Webhook

from notifier.emails.message import SUBJECT_MAX, build_message, outgoing
from notifier.emails.render import DirectiveLine, Facts, format_time, render
from notifier.openapi import OPENAPI
from notifier.settings import Settings, parse_schedule
from notifier.webhooks.filters import matches, validate_event_filter
from notifier.webhooks.retries import next_delay, parse_retry_after, retry_delay
from notifier.webhooks.signing import new_secret, webhook_headers
from notifier.webhooks.ssrf import Guard, RefusedTarget, parse_cidrs, split_url


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.10", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.10.1", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "non-public"),  # carrier-grade NAT
        ("169.254.169.254", "metadata"),
        ("100.100.100.200", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
        ("::ffff:169.254.169.254", "metadata"),
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("240.0.0.1", "240.0.0.1"),  # reserved (class E)
    ],
)
def test_the_guard_refuses_non_public_addresses(address: str, why: str) -> None:
    reason = Guard().refusal(address)
    assert reason is not None and why in reason


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34"])
def test_the_guard_permits_public_addresses(address: str) -> None:
    assert Guard().refusal(address) is None


def test_allow_lists() -> None:
    private = Guard(allow_private=True)
    assert private.refusal("127.0.0.1") is None and private.refusal("10.0.0.1") is None
    assert "metadata" in (private.refusal("169.254.169.254") or "")  # never by the blanket switch
    cidr = Guard(allow_cidrs=parse_cidrs("10.20.0.0/16, 169.254.169.254/32"))
    assert cidr.refusal("10.20.3.4") is None and cidr.refusal("169.254.169.254") is None
    assert cidr.refusal("10.21.0.1") is not None


@pytest.mark.parametrize("host", ["localhost", "metadata.google.internal"])
async def test_names_are_judged_after_resolution(host: str) -> None:
    with pytest.raises(RefusedTarget):
        await Guard().check_url(f"http://{host}/hook")


@pytest.mark.parametrize(
    "url", ["ftp://example.org/", "http:///path", "http://u:p@example.org/", "http://example.org:99999/", "example.org"]
)
def test_malformed_urls(url: str) -> None:
    with pytest.raises(ValueError):
        split_url(url)


def test_event_filters() -> None:
    assert validate_event_filter(["*"]) is None
    assert validate_event_filter(["resolution.*", "directive.issued"]) is None
    assert validate_event_filter(["resolution.nope"]) is not None
    assert validate_event_filter(["nope.*"]) is not None
    assert validate_event_filter(["poll.*.x"]) is not None
    assert matches(["resolution.*"], "resolution.adopted")
    assert not matches(["resolution.*"], "poll.closed")
    assert not matches(["poll.opened"], "poll.closed")


def test_signatures_verify_with_the_standard_webhooks_library() -> None:
    secret = new_secret()
    body = b'{"type":"poll.closed"}'
    headers = webhook_headers([secret], "0193-id", int(dt.datetime.now(dt.UTC).timestamp()), body)
    assert Webhook(secret).verify(body, headers) == {"type": "poll.closed"}
    wrong = webhook_headers([new_secret()], "0193-id", int(dt.datetime.now(dt.UTC).timestamp()), body)
    with pytest.raises(Exception, match="signature"):
        Webhook(secret).verify(body, wrong)


def test_default_retry_schedule_spans_about_a_day() -> None:
    schedule = parse_schedule(Settings().webhook_retry_schedule_s)
    total_h = sum(schedule) / 3600
    assert 20 <= total_h <= 30
    assert schedule == sorted(schedule)  # exponential-ish: never shorter than the previous wait
    rng = random.Random(1)
    delays = [retry_delay(schedule, 1, 0.2, rng) for _ in range(50)]
    assert all(4.0 <= d <= 6.0 for d in delays if d is not None) and len(set(delays)) > 1
    assert retry_delay(schedule, len(schedule) + 1, 0.2) is None


def test_retry_after() -> None:
    now = dt.datetime(2021, 1, 14, 7, 0, tzinfo=dt.UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Thu, 14 Jan 2021 07:05:00 GMT", now) == 300
    assert parse_retry_after("soon", now) is None
    assert next_delay([1.0], 1, 0.0, 60.0, 3600.0) == 60.0
    assert next_delay([1.0], 1, 0.0, 10**9, 3600.0) == 3600.0
    assert next_delay([100.0], 1, 0.0, 5.0, 3600.0) == 100.0


def test_times_render_in_the_meeting_time_zone() -> None:
    start = dt.datetime(2021, 1, 14, 6, 30, tzinfo=dt.UTC)
    assert format_time(start, "Asia/Ho_Chi_Minh", "vi") == "13:30, Thứ Năm 14/01/2021, giờ Việt Nam (GMT+7)"
    assert format_time(start, "Asia/Ho_Chi_Minh", "en") == "Thursday 14 January 2021, 13:30, Vietnam time (GMT+7)"


def test_emails_in_both_languages_with_text_and_html() -> None:
    facts = Facts(
        name="Trần Thị <B>",
        meeting_title="Hội nghị",
        starts_at=dt.datetime(2021, 1, 14, 6, 30, tzinfo=dt.UTC),
        timezone="Asia/Ho_Chi_Minh",
        link="https://meet.example.org/join/abc?x=1&y=2",
        topic="Nghị quyết",
        directives=[DirectiveLine("Số hóa quản lý", dt.date(2021, 12, 31))],
    )
    subject, text, html = render("resolution_adopted", "vi", facts)
    assert subject.startswith("Nghị quyết đã được thông qua")
    assert "Số hóa quản lý (hạn 31/12/2021)" in text and "https://meet.example.org/join/abc?x=1&y=2" in text
    assert "&lt;B&gt;" in html and "x=1&amp;y=2" in html
    subject, text, _ = render("invitation", "en", facts)
    assert subject == "Invitation: Hội nghị" and "13:30" in text


def test_openapi_document_is_generated_from_the_code() -> None:
    assert OPENAPI.path.read_text(encoding="utf-8") == OPENAPI.render(), (
        "run `python -m notifier.openapi` and commit the result"
    )


@pytest.mark.parametrize(
    "subject",
    [
        "Nhiệm vụ được giao cho đơn vị: Hoàn thành vượt mức kế hoạch năm 2021",
        "Nghị quyết đã được thông qua: " + "Nghị quyết Hội nghị tổng kết công tác năm 2020 " * 3,
        "Directive for your department: Identify and control risks",
    ],
)
def test_email_subject_reaches_the_reader_with_its_spaces(subject: str) -> None:
    message = build_message(
        sender="Hội nghị <no-reply@hoinghi.local>",
        to_addr="le.thi.thanh.minh@quatest2.example.org",
        subject=subject.strip(),
        text="x",
        html_body="<p>x</p>",
        message_id="<1@hoinghi>",
        language="vi",
    )
    received = email.message_from_bytes(outgoing(message).data, policy=email.policy.default)
    assert str(received["Subject"]) == subject.strip()[:SUBJECT_MAX]


def test_an_overlong_subject_is_trimmed_visibly() -> None:
    message = build_message(
        sender="a@example.org", to_addr="b@example.org", subject="Nhiệm vụ " * 100, text="x", html_body="x",
        message_id="<2@hoinghi>", language="vi",
    )  # fmt: skip
    received = email.message_from_bytes(outgoing(message).data, policy=email.policy.default)
    assert len(str(received["Subject"])) == SUBJECT_MAX and str(received["Subject"]).endswith("…")
