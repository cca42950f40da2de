"""QR codes of links (segno): the personal invite link on the invite page, in the invitation email,
and at the check-in desk. Pure: no I/O."""

from __future__ import annotations

import io

import segno

# Medium error correction survives a smudged printout or a phone screen's glare; a border of four
# modules is what the standard asks for scanners to find the code.
ERROR = "m"
BORDER = 4


def qr_png(link: str, scale: int = 6) -> bytes:
    out = io.BytesIO()
    segno.make(link, error=ERROR, micro=False).save(out, kind="png", scale=scale, border=BORDER)
    return out.getvalue()


def qr_svg(link: str, title: str = "") -> bytes:
    out = io.BytesIO()
    segno.make(link, error=ERROR, micro=False).save(
        out, kind="svg", scale=6, border=BORDER, title=title or None, xmldecl=False, svgns=True
    )
    return out.getvalue()
