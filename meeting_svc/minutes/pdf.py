"""The minutes as a PDF, typeset by Typst (its Python binding ships the compiler and the fonts in the wheel;
Libertinus Serif covers Vietnamese): A4, the national motto where wanted, page numbers, signature blocks
for the chair and the secretary, and the content hash. Every text from people enters the Typst source as
a string literal, never as markup, so nothing typed into a title can change the document. Pure apart
from the compiler."""

from __future__ import annotations

import datetime as dt

import typst

from meeting_svc.minutes.draft import Minutes
from meeting_svc.minutes.render import (
    BASES,
    MOTTO,
    OPTIONS,
    OUTCOMES,
    STATUSES,
    THRESHOLDS,
    WORDS,
    Moments,
    item_lines,
    pick,
)


def s(text: str) -> str:
    """A Typst string literal shown as text, e.g. `#"..."`."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'#"{escaped}"'


def source(
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
    out = [
        '#set page(paper: "a4", margin: (x: 2.5cm, y: 2cm), numbering: "1 / 1")',
        f'#set text(font: "Libertinus Serif", size: 12pt, lang: "{lang}", hyphenate: false)',
        "#set par(justify: true)",
    ]
    if motto:
        out.append(f"#align(center)[*{s(MOTTO[0])}* \\ #underline[{s(MOTTO[1])}]]")
    status = w["version"].format(n=version, at=moment(approved_at)) if version and approved_at else w["draft"]
    out.append(
        f"#align(center)[#text(size: 16pt)[*{s(w['minutes'])}*] \\ *{s(pick(m.meeting.title, lang))}* \\ "
        f"#text(size: 10pt)[{s(status)}]]"
    )
    facts = [
        (w["time"], moment.span(m.meeting.starts_at, m.meeting.ends_at)),
        (w["venue"], m.meeting.venue),
        (w["online"], m.meeting.online_url),
        (w["chair"], ", ".join(m.meeting.chairs)),
        (w["secretary"], ", ".join(m.meeting.secretaries)),
    ]
    out += [f"- *{s(k)}:* {s(v)}" for k, v in facts if v]

    a = m.attendance
    out.append(f"== {s(w['attendance'])}")
    out.append(s(w["roster"].format(n=a.on_roster, p=a.present, x=a.by_proxy, e=a.excused, a=a.absent)))
    out.append("")
    out.append(s(w["quorum"].format(n=a.voting_members, w=a.voting_weight, p=a.present_voting, pw=a.present_weight)))
    cells = [w["department"], w["present"], w["by_proxy"], w["excused"], w["absent"]]
    for d in a.departments:
        cells += [pick(d.department, lang) or w["no_department"], str(d.present), str(d.by_proxy), str(d.excused)]
        cells.append(str(d.absent))
    out.append("#table(columns: (auto, auto, auto, auto, auto), " + ", ".join(f"[{s(c)}]" for c in cells) + ")")

    out.append(f"== {s(w['agenda'])}")
    for item in m.agenda:
        presenter = f" _({s(w['presenter'])}: {s(item.presenter)})_" if item.presenter else ""
        facts = "".join(f" \\ {s(x)}" for x in item_lines(item, lang, z))
        summary = s(pick(item.summary, lang) or w["no_summary"])
        out.append(f"+ *{s(pick(item.title, lang))}*{presenter}{facts} \\ {summary}")

    if m.reports:
        out.append(f"== {s(w['reports'])}")
        for r in m.reports:
            flag = w["late"] if r.late else w["on_time"]
            line = (
                f"{pick(r.department, lang)}: “{r.title}” ({pick(r.topic, lang)}; "
                f"{w['received']} {moment(r.received_at)}; {flag})"
            )
            out.append(f"- {s(line)}")

    if m.polls:
        out.append(f"== {s(w['polls'])}")
        for p in m.polls:
            kind = w["secret"] if p.secret else w["named"]
            quorum = w["quorum_rule"].format(rule=p.quorum_rule) if p.quorum_rule else ""
            rule = w["rule"].format(
                threshold=THRESHOLDS[lang].get(p.threshold, p.threshold),
                base=BASES[lang].get(p.base, p.base),
                quorum=quorum,
            )
            out.append(f"=== {s(pick(p.question, lang))} {s(f'({kind}, {moment(p.closed_at)})')}")
            out.append(s(rule))
            out.append("")
            out.append(s(w["turnout"].format(e=p.eligible_count, p=p.present_count, v=p.participating_count)))
            heads = [w["counts"], w["votes"], *([w["weight"]] if p.weights_differ else [])]
            cells = list(heads)
            for t in p.tallies:
                cells += [OPTIONS[lang].get(t.option, t.option), str(t.count)]
                if p.weights_differ:
                    cells.append(str(t.weight))
            columns = ", ".join("auto" for _ in heads)
            out.append(f"#table(columns: ({columns},), " + ", ".join(f"[{s(c)}]" for c in cells) + ")")
            out.append(f"*{s(w['outcome'])}: {s(OUTCOMES[lang].get(p.outcome, p.outcome))}*")

    if m.resolutions:
        out.append(f"== {s(w['resolutions'])}")
        for r in m.resolutions:
            out.append(f"=== {s(pick(r.title, lang))} {s('(' + STATUSES[lang].get(r.status, r.status) + ')')}")
            out.append(s(pick(r.text, lang)))
            out.append("")
            if r.directives:
                out.append(f"*{s(w['directives'])}*")
                for d in r.directives:
                    owners = ", ".join(pick(t, lang) for t in d.departments)
                    due = f"; {w['due']} {d.due_date:%d/%m/%Y}" if d.due_date else ""
                    out.append(f"+ {s(pick(d.title, lang))} {s(f'({owners}{due})')}")
            if r.amendments:
                out.append(f"*{s(w['amendments'])}*")
                for am in r.amendments:
                    fate = STATUSES[lang].get(am.fate, am.fate)
                    who = f"({w['proposed_by']} {am.proposer}: {fate})"
                    out.append(f"- {s(pick(am.text, lang))} {s(who)}")

    chair, secretary = w["signatures"]
    out.append(
        "#v(1.5cm)\n#grid(columns: (1fr, 1fr), align: center, "
        f"[*{s(chair)}* #v(2.5cm) {s(', '.join(m.meeting.chairs))}], "
        f"[*{s(secretary)}* #v(2.5cm) {s(', '.join(m.meeting.secretaries))}])"
    )
    out.append(f"#v(1cm)\n#text(size: 8pt)[{s(w['hash'])}: #raw({s(content_hash)[1:]})]")
    return "\n".join(out) + "\n"


def render_pdf(
    m: Minutes,
    lang: str,
    content_hash: str,
    *,
    motto: bool = True,
    version: int | None = None,
    approved_at: dt.datetime | None = None,
) -> bytes:
    """The PDF; the same minutes give the same bytes (the timestamp is the approval's, or the meeting's end)."""
    src = source(m, lang, content_hash, motto=motto, version=version, approved_at=approved_at)
    stamp = approved_at or m.meeting.ends_at
    pdf = typst.compile(src.encode(), ignore_system_fonts=True, timestamp=int(stamp.timestamp()))
    assert isinstance(pdf, bytes)
    return pdf
