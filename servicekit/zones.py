"""A meeting's time zone said in words, the way the web client says it (`zones` in
meeting_svc/web/lib/i18n.js, `zoneText` in meeting_svc/web/lib/format.js): "giờ Việt Nam (GMT+7)",
"Vietnam time (GMT+7)"; a zone without a name of its own is said by its city, "Tokyo (GMT+9)". The
minutes, the invite page and the emails all print it from here, so a reader meets one wording
everywhere. (Babel's zone names read "Giờ Đông Dương" for Da Nang, which the web client does not say.)"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Kept equal to the web client's tables by a test.
ZONE_NAMES: dict[str, dict[str, str]] = {
    "vi": {"Asia/Ho_Chi_Minh": "giờ Việt Nam", "Asia/Bangkok": "giờ Đông Dương", "Asia/Saigon": "giờ Việt Nam"},
    "en": {"Asia/Ho_Chi_Minh": "Vietnam time", "Asia/Bangkok": "Indochina time", "Asia/Saigon": "Vietnam time"},
}


def local(at: dt.datetime, zone: str) -> dt.datetime:
    """The moment on the zone's clock; an unknown zone reads as UTC rather than failing a document."""
    try:
        return at.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return at.astimezone(dt.UTC)


def gmt_offset(at: dt.datetime) -> str:
    """`GMT+7`, `GMT+5:30`, `GMT-3`, `GMT`: the offset of an aware moment as browsers write it (Intl's
    `shortOffset`)."""
    offset = at.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "GMT"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"GMT{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_text(zone: str, lang: str, at: dt.datetime) -> str:
    """The zone in words with its offset at `at` (which differs across a summer-time change). UTC is
    said as itself: "UTC (GMT)" would say it twice."""
    name = ZONE_NAMES["en" if lang == "en" else "vi"].get(zone) or zone.split("/")[-1].replace("_", " ")
    offset = gmt_offset(local(at, zone))
    return name if name == "UTC" and offset == "GMT" else f"{name} ({offset})"
