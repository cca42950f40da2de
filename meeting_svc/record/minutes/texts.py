"""The minutes' words and sentences as plain text, in Vietnamese and English: what the HTML (render.py)
and the PDF (pdf.py) both say, each marking it up its own way. Pure."""

from __future__ import annotations

import datetime as dt

from meeting_svc.record.minutes.draft import Amendment, Directive, Item, Minutes, Poll, Report, Resolution, Text
from servicekit.zones import gmt_offset, local, zone_text

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

WORDS = {
    "vi": {
        "minutes": "BIÊN BẢN",
        "draft": "DỰ THẢO",
        "version": "Phiên bản {n}, phê duyệt lúc {at}",
        "time": "Thời gian",
        "venue": "Địa điểm",
        "online": "Trực tuyến",
        "chair": "Chủ trì",
        "secretary": "Thư ký",
        "attendance": "I. Thành phần tham dự",
        "roster": "Tổng số đại biểu triệu tập: {n}; có mặt: {p}; ủy quyền: {x}; vắng có lý do: {e}; vắng: {a}.",
        "quorum": "Đại biểu có quyền biểu quyết: {n} (tổng trọng số {w}); có mặt: {p} (trọng số {pw}).",
        "department": "Đơn vị",
        "present": "Có mặt",
        "by_proxy": "Ủy quyền",
        "excused": "Vắng có lý do",
        "absent": "Vắng",
        "no_department": "(không thuộc đơn vị)",
        "agenda": "II. Nội dung hội nghị",
        "presenter": "Trình bày",
        "ran": "Thời gian",
        "speakers": "Phát biểu",
        "no_summary": "(chưa có tóm tắt)",
        "reports": "III. Báo cáo tham luận đã nhận",
        "late": "nộp muộn",
        "on_time": "đúng hạn",
        "received": "nhận lúc",
        "polls": "IV. Kết quả biểu quyết",
        "secret": "bỏ phiếu kín",
        "named": "biểu quyết công khai",
        "rule": "Quy tắc: {threshold} của {base}{quorum}.",
        "quorum_rule": "; túc số: {rule}",
        "counts": "Phương án",
        "votes": "Số phiếu",
        "weight": "Trọng số",
        "turnout": "Có quyền biểu quyết: {e}; có mặt: {p}; đã biểu quyết: {v}.",
        "outcome": "Kết quả",
        "resolutions": "V. Nghị quyết",
        "directives": "Nhiệm vụ",
        "due": "hạn",
        "amendments": "Đề xuất sửa đổi",
        "proposed_by": "đề xuất bởi",
        "hash": "Mã kiểm tra nội dung (SHA-256)",
    },
    "en": {
        "minutes": "MINUTES",
        "draft": "DRAFT",
        "version": "Version {n}, approved at {at}",
        "time": "Time",
        "venue": "Venue",
        "online": "Online",
        "chair": "Chair",
        "secretary": "Secretary",
        "attendance": "I. Attendance",
        "roster": "Convened: {n}; present: {p}; by proxy: {x}; excused: {e}; absent: {a}.",
        "quorum": "Voting members: {n} (total weight {w}); present: {p} (weight {pw}).",
        "department": "Department",
        "present": "Present",
        "by_proxy": "By proxy",
        "excused": "Excused",
        "absent": "Absent",
        "no_department": "(no department)",
        "agenda": "II. Proceedings",
        "presenter": "Presented by",
        "ran": "Time",
        "speakers": "Speakers",
        "no_summary": "(no summary yet)",
        "reports": "III. Position reports received",
        "late": "late",
        "on_time": "on time",
        "received": "received",
        "polls": "IV. Votes",
        "secret": "secret ballot",
        "named": "named vote",
        "rule": "Rule: {threshold} of {base}{quorum}.",
        "quorum_rule": "; quorum: {rule}",
        "counts": "Option",
        "votes": "Votes",
        "weight": "Weight",
        "turnout": "Eligible: {e}; present: {p}; voted: {v}.",
        "outcome": "Outcome",
        "resolutions": "V. Resolutions",
        "directives": "Directives",
        "due": "due",
        "amendments": "Amendments",
        "proposed_by": "proposed by",
        "hash": "Content hash (SHA-256)",
    },
}
# who signs under the minutes: (the chair's block, the secretary's block)
SIGNATURES = {"vi": ("CHỦ TRÌ", "THƯ KÝ"), "en": ("CHAIR", "SECRETARY")}
BASES = {
    "vi": {
        "cast": "tổng số phiếu đã bỏ (tán thành, không tán thành, không biểu quyết)",
        "yes_no": "số phiếu tán thành và không tán thành",
        "present": "tổng trọng số đại biểu có mặt",
        "eligible": "tổng trọng số đại biểu có quyền biểu quyết",
    },
    "en": {
        "cast": "the votes cast (yes, no and abstain)",
        "yes_no": "the yes and no votes",
        "present": "the weight present",
        "eligible": "the eligible weight",
    },
}
THRESHOLDS = {
    "vi": {
        "simple": "quá một nửa",
        "two_thirds": "ít nhất hai phần ba",
        "three_quarters": "ít nhất ba phần tư",
        "unanimous": "toàn bộ",
    },
    "en": {
        "simple": "more than half",
        "two_thirds": "at least two thirds",
        "three_quarters": "at least three quarters",
        "unanimous": "all",
    },
}
OUTCOMES = {
    "vi": {"adopted": "Thông qua", "rejected": "Không thông qua", "no_quorum": "Không đủ túc số"},
    "en": {"adopted": "Adopted", "rejected": "Rejected", "no_quorum": "No quorum"},
}
OPTIONS = {
    "vi": {"yes": "Tán thành", "no": "Không tán thành", "abstain": "Không biểu quyết"},
    "en": {"yes": "Yes", "no": "No", "abstain": "Abstain"},
}
STATUSES = {
    "vi": {
        "drafted": "dự thảo",
        "adopted": "đã thông qua",
        "rejected": "không thông qua",
        "proposed": "chưa quyết định",
        "accepted": "được chấp nhận",
    },
    "en": {
        "drafted": "draft",
        "adopted": "adopted",
        "rejected": "rejected",
        "proposed": "undecided",
        "accepted": "accepted",
    },
}


def pick(t: Text, lang: str) -> str:
    return (t.vi or t.en) if lang == "vi" else (t.en or t.vi)


class Moments:
    """The minutes' moments on the meeting's clock, `13:30 14/01/2021`, as Vietnamese records write them.
    The zone is said once, in words, with the meeting's time ("giờ Việt Nam (GMT+7)", as the web client
    says it); a moment whose offset differs from the meeting's (across a summer-time change) says its own."""

    def __init__(self, m: Minutes, lang: str) -> None:
        self.zone = m.meeting.timezone
        self.usual = gmt_offset(local(m.meeting.starts_at, self.zone))
        self.meeting = zone_text(self.zone, lang, m.meeting.starts_at)

    def __call__(self, at: dt.datetime) -> str:
        t = local(at, self.zone)
        offset = gmt_offset(t)
        return f"{t:%H:%M %d/%m/%Y}" + ("" if offset == self.usual else f" ({offset})")

    def span(self, starts: dt.datetime, ends: dt.datetime) -> str:
        """The meeting's time with its zone: `13:30 14/01/2021 – 17:30 14/01/2021, giờ Việt Nam (GMT+7)`."""
        return f"{self(starts)} – {self(ends)}, {self.meeting}"


class Sentences:
    """The minutes' sentences in one language, as plain text (each renderer escapes or quotes them)."""

    def __init__(self, m: Minutes, lang: str) -> None:
        self.m, self.lang, self.w = m, lang, WORDS[lang]
        self.moment = Moments(m, lang)

    def status(self, version: int | None, approved_at: dt.datetime | None) -> str:
        if version and approved_at:
            return self.w["version"].format(n=version, at=self.moment(approved_at))
        return self.w["draft"]

    def facts(self) -> list[tuple[str, str]]:
        """The meeting's facts as (label, text), those it has."""
        w, meeting = self.w, self.m.meeting
        facts = [
            (w["time"], self.moment.span(meeting.starts_at, meeting.ends_at)),
            (w["venue"], meeting.venue),
            (w["online"], meeting.online_url),
            (w["chair"], ", ".join(meeting.chairs)),
            (w["secretary"], ", ".join(meeting.secretaries)),
        ]
        return [(k, v) for k, v in facts if v]

    def roster(self) -> str:
        a = self.m.attendance
        return self.w["roster"].format(n=a.on_roster, p=a.present, x=a.by_proxy, e=a.excused, a=a.absent)

    def quorum(self) -> str:
        a = self.m.attendance
        return self.w["quorum"].format(n=a.voting_members, w=a.voting_weight, p=a.present_voting, pw=a.present_weight)

    def departments(self) -> tuple[list[str], list[list[str]]]:
        """Attendance per department: the heads and a row per department."""
        w = self.w
        heads = [w["department"], w["present"], w["by_proxy"], w["excused"], w["absent"]]
        rows = [
            [
                pick(d.department, self.lang) or w["no_department"],
                *map(str, (d.present, d.by_proxy, d.excused, d.absent)),
            ]
            for d in self.m.attendance.departments
        ]
        return heads, rows

    def item_lines(self, item: Item) -> list[str]:
        """When the item ran and who spoke under it, where the room recorded them."""
        zone, lines = self.m.meeting.timezone, []
        if item.started_at:
            end = f"–{local(item.ended_at, zone):%H:%M}" if item.ended_at else ""
            lines.append(f"{self.w['ran']}: {local(item.started_at, zone):%H:%M}{end}")
        if item.speakers:
            lines.append(f"{self.w['speakers']}: {', '.join(item.speakers)}")
        return lines

    def report(self, r: Report) -> str:
        flag = self.w["late"] if r.late else self.w["on_time"]
        return (
            f"{pick(r.department, self.lang)}: “{r.title}” ({pick(r.topic, self.lang)}; "
            f"{self.w['received']} {self.moment(r.received_at)}; {flag})"
        )

    def poll_note(self, p: Poll) -> str:
        """`(bỏ phiếu kín, 17:15 14/01/2021)`: how the poll was held and when it closed."""
        return f"({self.w['secret'] if p.secret else self.w['named']}, {self.moment(p.closed_at)})"

    def rule(self, p: Poll) -> str:
        lang = self.lang
        quorum = self.w["quorum_rule"].format(rule=p.quorum_rule) if p.quorum_rule else ""
        return self.w["rule"].format(
            threshold=THRESHOLDS[lang].get(p.threshold, p.threshold),
            base=BASES[lang].get(p.base, p.base),
            quorum=quorum,
        )

    def turnout(self, p: Poll) -> str:
        return self.w["turnout"].format(e=p.eligible_count, p=p.present_count, v=p.participating_count)

    def tallies(self, p: Poll) -> tuple[list[str], list[list[str]]]:
        """The count per option (and weight, where weights differ): the heads and a row per option."""
        w = self.w
        heads = [w["counts"], w["votes"], *([w["weight"]] if p.weights_differ else [])]
        rows = [
            [OPTIONS[self.lang].get(t.option, t.option), str(t.count), *([str(t.weight)] if p.weights_differ else [])]
            for t in p.tallies
        ]
        return heads, rows

    def outcome(self, p: Poll) -> str:
        return f"{self.w['outcome']}: {OUTCOMES[self.lang].get(p.outcome, p.outcome)}"

    def resolution_status(self, r: Resolution) -> str:
        return f"({STATUSES[self.lang].get(r.status, r.status)})"

    def directive_note(self, d: Directive) -> str:
        """`(Phòng Đo lường; hạn 31/12/2021)`: who carries it out and by when."""
        owners = ", ".join(pick(t, self.lang) for t in d.departments)
        due = f"; {self.w['due']} {d.due_date:%d/%m/%Y}" if d.due_date else ""
        return f"({owners}{due})"

    def amendment_note(self, am: Amendment) -> str:
        fate = STATUSES[self.lang].get(am.fate, am.fate)
        return f"({self.w['proposed_by']} {am.proposer}: {fate})"
