"""The minutes as an HTML document laid out like an official Vietnamese record (Biên bản): the national
motto where the organisation wants it, the meeting's facts in its own zone, attendance with the quorum
figures, the agenda with its summaries, the reports received, every poll with its rule in words, the
resolutions with their directives and amendments, signature blocks, and the content hash. Pure."""

from __future__ import annotations

import datetime as dt
from html import escape

from meeting_svc.minutes.draft import Item, Minutes, Text
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
        "signatures": ("CHỦ TRÌ", "THƯ KÝ"),
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
        "signatures": ("CHAIR", "SECRETARY"),
        "hash": "Content hash (SHA-256)",
    },
}
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
STYLE = (
    "body{font-family:'Times New Roman',serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
    ".motto{text-align:center;font-weight:bold}.motto span{display:block;text-decoration:underline}"
    "h1{text-align:center;font-size:1.4rem;margin-top:1.5rem}h1 small{display:block;font-size:1rem}"
    "h2{font-size:1.1rem}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #444;padding:.2rem .5rem}"
    ".signatures{display:flex;justify-content:space-around;margin-top:3rem;text-align:center}"
    ".signatures div{min-height:6rem}.hash{font-family:monospace;font-size:.8rem;word-break:break-all;margin-top:2rem}"
)


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


def item_lines(item: Item, lang: str, zone: str) -> list[str]:
    """When the item ran and who spoke under it, where the room recorded them."""
    w = WORDS[lang]
    lines = []
    if item.started_at:
        end = f"–{local(item.ended_at, zone):%H:%M}" if item.ended_at else ""
        lines.append(f"{w['ran']}: {local(item.started_at, zone):%H:%M}{end}")
    if item.speakers:
        lines.append(f"{w['speakers']}: {', '.join(item.speakers)}")
    return lines


def item_facts(item: Item, lang: str, zone: str) -> str:
    return "".join(f"<p>{escape(x)}</p>" for x in item_lines(item, lang, zone))


def render_html(
    m: Minutes,
    lang: str,
    content_hash: str,
    *,
    motto: bool = True,
    version: int | None = None,
    approved_at: dt.datetime | None = None,
) -> str:
    w = WORDS[lang]
    z = m.meeting.timezone
    moment = Moments(m, lang)
    e = escape
    out: list[str] = []
    if motto:
        out.append(f'<p class="motto">{MOTTO[0]}<span>{MOTTO[1]}</span></p>')
    status = w["version"].format(n=version, at=moment(approved_at)) if version and approved_at else w["draft"]
    out.append(f"<h1>{w['minutes']}<small>{e(pick(m.meeting.title, lang))}</small><small>{e(status)}</small></h1>")
    facts = [
        (w["time"], e(moment.span(m.meeting.starts_at, m.meeting.ends_at))),
        (w["venue"], e(m.meeting.venue)),
        (w["online"], e(m.meeting.online_url)),
        (w["chair"], e(", ".join(m.meeting.chairs))),
        (w["secretary"], e(", ".join(m.meeting.secretaries))),
    ]
    out.append("<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts if v) + "</dl>")

    a = m.attendance
    out.append(f"<h2>{w['attendance']}</h2>")
    out.append(f"<p>{w['roster'].format(n=a.on_roster, p=a.present, x=a.by_proxy, e=a.excused, a=a.absent)}</p>")
    out.append(
        f"<p>{w['quorum'].format(n=a.voting_members, w=a.voting_weight, p=a.present_voting, pw=a.present_weight)}</p>"
    )
    heads = [w["department"], w["present"], w["by_proxy"], w["excused"], w["absent"]]
    rows = "".join(
        f"<tr><td>{e(pick(d.department, lang)) or w['no_department']}</td><td>{d.present}</td><td>{d.by_proxy}</td>"
        f"<td>{d.excused}</td><td>{d.absent}</td></tr>"
        for d in a.departments
    )
    out.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in heads) + f"</tr>{rows}</table>")

    out.append(f"<h2>{w['agenda']}</h2><ol>")
    for item in m.agenda:
        presenter = f" <em>({w['presenter']}: {e(item.presenter)})</em>" if item.presenter else ""
        summary = pick(item.summary, lang)
        text = "".join(f"<p>{e(p)}</p>" for p in summary.split("\n\n") if p.strip()) or f"<p>{w['no_summary']}</p>"
        out.append(f"<li><strong>{e(pick(item.title, lang))}</strong>{presenter}{item_facts(item, lang, z)}{text}</li>")
    out.append("</ol>")

    if m.reports:
        out.append(f"<h2>{w['reports']}</h2><ul>")
        for r in m.reports:
            flag = w["late"] if r.late else w["on_time"]
            out.append(
                f"<li>{e(pick(r.department, lang))}: “{e(r.title)}” ({e(pick(r.topic, lang))}; "
                f"{w['received']} {moment(r.received_at)}; {flag})</li>"
            )
        out.append("</ul>")

    if m.polls:
        out.append(f"<h2>{w['polls']}</h2>")
        for p in m.polls:
            kind = w["secret"] if p.secret else w["named"]
            quorum = w["quorum_rule"].format(rule=e(p.quorum_rule)) if p.quorum_rule else ""
            rule = w["rule"].format(
                threshold=THRESHOLDS[lang].get(p.threshold, p.threshold),
                base=BASES[lang].get(p.base, p.base),
                quorum=quorum,
            )
            heads = [w["counts"], w["votes"], *([w["weight"]] if p.weights_differ else [])]
            rows = "".join(
                f"<tr><td>{e(OPTIONS[lang].get(t.option, t.option))}</td><td>{t.count}</td>"
                + (f"<td>{t.weight}</td>" if p.weights_differ else "")
                + "</tr>"
                for t in p.tallies
            )
            turnout = w["turnout"].format(e=p.eligible_count, p=p.present_count, v=p.participating_count)
            out.append(
                f"<h3>{e(pick(p.question, lang))} <small>({kind}, {moment(p.closed_at)})</small></h3>"
                f"<p>{rule}</p><p>{turnout}</p>"
                "<table><tr>" + "".join(f"<th>{h}</th>" for h in heads) + f"</tr>{rows}</table>"
                f"<p><strong>{w['outcome']}: {OUTCOMES[lang].get(p.outcome, p.outcome)}</strong></p>"
            )

    if m.resolutions:
        out.append(f"<h2>{w['resolutions']}</h2>")
        for r in m.resolutions:
            out.append(f"<h3>{e(pick(r.title, lang))} <small>({STATUSES[lang].get(r.status, r.status)})</small></h3>")
            out.append("".join(f"<p>{e(p)}</p>" for p in pick(r.text, lang).split("\n") if p.strip()))
            if r.directives:
                out.append(f"<p><strong>{w['directives']}</strong></p><ol>")
                for d in r.directives:
                    owners = ", ".join(pick(t, lang) for t in d.departments)
                    due = f"; {w['due']} {d.due_date:%d/%m/%Y}" if d.due_date else ""
                    out.append(f"<li>{e(pick(d.title, lang))} ({e(owners)}{due})</li>")
                out.append("</ol>")
            if r.amendments:
                out.append(f"<p><strong>{w['amendments']}</strong></p><ul>")
                for am in r.amendments:
                    out.append(
                        f"<li>{e(pick(am.text, lang))} ({w['proposed_by']} {e(am.proposer)}: "
                        f"{STATUSES[lang].get(am.fate, am.fate)})</li>"
                    )
                out.append("</ul>")

    chair, secretary = w["signatures"]
    out.append(
        f'<div class="signatures"><div><strong>{chair}</strong><p>{e(", ".join(m.meeting.chairs))}</p></div>'
        f"<div><strong>{secretary}</strong><p>{e(', '.join(m.meeting.secretaries))}</p></div></div>"
    )
    out.append(f'<p class="hash">{w["hash"]}: {content_hash}</p>')
    title = f"{w['minutes']}: {pick(m.meeting.title, lang)}"
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{e(title)}</title>'
        f"<style>{STYLE}</style></head><body>{''.join(out)}</body></html>"
    )
