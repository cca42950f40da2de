"""The minutes as an HTML document laid out like an official Vietnamese record (Biên bản): the national
motto where the organisation wants it, the meeting's facts in its own zone, attendance with the quorum
figures, the agenda with its summaries, the reports received, every poll with its rule in words, the
resolutions with their directives and amendments, signature blocks, and the content hash. Pure."""

from __future__ import annotations

import datetime as dt
from html import escape

from meeting_svc.record.minutes.draft import Minutes
from meeting_svc.record.minutes.texts import MOTTO, SIGNATURES, WORDS, Sentences, pick

STYLE = (
    "body{font-family:'Times New Roman',serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
    ".motto{text-align:center;font-weight:bold}.motto span{display:block;text-decoration:underline}"
    "h1{text-align:center;font-size:1.4rem;margin-top:1.5rem}h1 small{display:block;font-size:1rem}"
    "h2{font-size:1.1rem}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #444;padding:.2rem .5rem}"
    ".signatures{display:flex;justify-content:space-around;margin-top:3rem;text-align:center}"
    ".signatures div{min-height:6rem}.hash{font-family:monospace;font-size:.8rem;word-break:break-all;margin-top:2rem}"
)


def _table(heads: list[str], rows: list[list[str]]) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return "<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in heads) + f"</tr>{cells}</table>"


def _paragraphs(text: str, sep: str) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in text.split(sep) if p.strip())


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
    say = Sentences(m, lang)
    e = escape
    out: list[str] = []
    if motto:
        out.append(f'<p class="motto">{MOTTO[0]}<span>{MOTTO[1]}</span></p>')
    status = say.status(version, approved_at)
    out.append(f"<h1>{w['minutes']}<small>{e(pick(m.meeting.title, lang))}</small><small>{e(status)}</small></h1>")
    out.append("<dl>" + "".join(f"<dt>{k}</dt><dd>{e(v)}</dd>" for k, v in say.facts()) + "</dl>")

    out.append(f"<h2>{w['attendance']}</h2><p>{e(say.roster())}</p><p>{e(say.quorum())}</p>")
    out.append(_table(*say.departments()))

    out.append(f"<h2>{w['agenda']}</h2><ol>")
    for item in m.agenda:
        presenter = f" <em>({w['presenter']}: {e(item.presenter)})</em>" if item.presenter else ""
        facts = "".join(f"<p>{e(x)}</p>" for x in say.item_lines(item))
        text = _paragraphs(pick(item.summary, lang), "\n\n") or f"<p>{w['no_summary']}</p>"
        out.append(f"<li><strong>{e(pick(item.title, lang))}</strong>{presenter}{facts}{text}</li>")
    out.append("</ol>")

    if m.reports:
        out.append(
            f"<h2>{w['reports']}</h2><ul>" + "".join(f"<li>{e(say.report(r))}</li>" for r in m.reports) + "</ul>"
        )

    if m.polls:
        out.append(f"<h2>{w['polls']}</h2>")
        for p in m.polls:
            out.append(
                f"<h3>{e(pick(p.question, lang))} <small>{e(say.poll_note(p))}</small></h3>"
                f"<p>{e(say.rule(p))}</p><p>{e(say.turnout(p))}</p>{_table(*say.tallies(p))}"
                f"<p><strong>{e(say.outcome(p))}</strong></p>"
            )

    if m.resolutions:
        out.append(f"<h2>{w['resolutions']}</h2>")
        for r in m.resolutions:
            out.append(f"<h3>{e(pick(r.title, lang))} <small>{e(say.resolution_status(r))}</small></h3>")
            out.append(_paragraphs(pick(r.text, lang), "\n"))
            if r.directives:
                out.append(f"<p><strong>{w['directives']}</strong></p><ol>")
                out += [f"<li>{e(pick(d.title, lang))} {e(say.directive_note(d))}</li>" for d in r.directives]
                out.append("</ol>")
            if r.amendments:
                out.append(f"<p><strong>{w['amendments']}</strong></p><ul>")
                out += [f"<li>{e(pick(am.text, lang))} {e(say.amendment_note(am))}</li>" for am in r.amendments]
                out.append("</ul>")

    chair, secretary = SIGNATURES[lang]
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
