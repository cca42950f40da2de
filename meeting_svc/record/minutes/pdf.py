"""The minutes as a PDF, typeset by Typst (its Python binding ships the compiler and the fonts in the wheel;
Libertinus Serif covers Vietnamese): A4, the national motto where wanted, page numbers, signature blocks
for the chair and the secretary, and the content hash. Every text from people enters the Typst source as
a string literal, never as markup, so nothing typed into a title can change the document. Pure apart
from the compiler."""

from __future__ import annotations

import datetime as dt

from meeting_svc.record.minutes.draft import Minutes
from meeting_svc.record.minutes.texts import MOTTO, SIGNATURES, WORDS, Sentences, pick
from meeting_svc.record.minutes.typeset_worker import compile_isolated


def s(text: str) -> str:
    """A Typst string literal shown as text, e.g. `#"..."`."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'#"{escaped}"'


def _table(heads: list[str], rows: list[list[str]]) -> str:
    columns = ", ".join("auto" for _ in heads)
    cells = [*heads, *(c for row in rows for c in row)]
    return f"#table(columns: ({columns},), " + ", ".join(f"[{s(c)}]" for c in cells) + ")"


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
    say = Sentences(m, lang)
    out = [
        '#set page(paper: "a4", margin: (x: 2.5cm, y: 2cm), numbering: "1 / 1")',
        f'#set text(font: "Libertinus Serif", size: 12pt, lang: "{lang}", hyphenate: false)',
        "#set par(justify: true)",
    ]
    if motto:
        out.append(f"#align(center)[*{s(MOTTO[0])}* \\ #underline[{s(MOTTO[1])}]]")
    out.append(
        f"#align(center)[#text(size: 16pt)[*{s(w['minutes'])}*] \\ *{s(pick(m.meeting.title, lang))}* \\ "
        f"#text(size: 10pt)[{s(say.status(version, approved_at))}]]"
    )
    out += [f"- *{s(k)}:* {s(v)}" for k, v in say.facts()]

    out += [f"== {s(w['attendance'])}", s(say.roster()), "", s(say.quorum()), _table(*say.departments())]

    out.append(f"== {s(w['agenda'])}")
    for item in m.agenda:
        presenter = f" _({s(w['presenter'])}: {s(item.presenter)})_" if item.presenter else ""
        facts = "".join(f" \\ {s(x)}" for x in say.item_lines(item))
        summary = s(pick(item.summary, lang) or w["no_summary"])
        out.append(f"+ *{s(pick(item.title, lang))}*{presenter}{facts} \\ {summary}")

    if m.reports:
        out.append(f"== {s(w['reports'])}")
        out += [f"- {s(say.report(r))}" for r in m.reports]

    if m.polls:
        out.append(f"== {s(w['polls'])}")
        for p in m.polls:
            out += [f"=== {s(pick(p.question, lang))} {s(say.poll_note(p))}", s(say.rule(p)), "", s(say.turnout(p))]
            out += [_table(*say.tallies(p)), f"*{s(say.outcome(p))}*"]

    if m.resolutions:
        out.append(f"== {s(w['resolutions'])}")
        for r in m.resolutions:
            out += [f"=== {s(pick(r.title, lang))} {s(say.resolution_status(r))}", s(pick(r.text, lang)), ""]
            if r.directives:
                out.append(f"*{s(w['directives'])}*")
                out += [f"+ {s(pick(d.title, lang))} {s(say.directive_note(d))}" for d in r.directives]
            if r.amendments:
                out.append(f"*{s(w['amendments'])}*")
                out += [f"- {s(pick(am.text, lang))} {s(say.amendment_note(am))}" for am in r.amendments]

    chair, secretary = SIGNATURES[lang]
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
    """The PDF, typeset in this process (the service typesets in its own pool: typesetting.py); the same
    minutes give the same bytes."""
    src = source(m, lang, content_hash, motto=motto, version=version, approved_at=approved_at)
    return compile_isolated(src.encode(), timestamp(m, approved_at))


def timestamp(m: Minutes, approved_at: dt.datetime | None) -> int:
    """The document's date: the approval's, or the meeting's end for a draft."""
    return int((approved_at or m.meeting.ends_at).timestamp())
