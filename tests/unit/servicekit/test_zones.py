"""A time zone in words, as the web client says it: the same names (read from its i18n tables), the same
offsets (as Intl's `shortOffset` writes them), the offset of the moment asked about."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from servicekit.zones import ZONE_NAMES, gmt_offset, zone_text

I18N = Path(__file__).resolve().parents[3] / "meeting_svc" / "web" / "lib" / "i18n.js"
MEETING = dt.datetime(2021, 1, 14, 6, 30, tzinfo=dt.UTC)  # 13:30 in Da Nang


def test_the_names_are_the_web_clients() -> None:
    tables = re.findall(r"zones: \{(.*?)\}", I18N.read_text(encoding="utf-8"))
    assert len(tables) == 2, "the web client's zones tables (vi, then en) were not found"
    for lang, table in zip(("vi", "en"), tables, strict=True):
        assert dict(re.findall(r'"([^"]+)": "([^"]+)"', table)) == ZONE_NAMES[lang]


@pytest.mark.parametrize(
    ("zone", "lang", "at", "said"),
    [
        ("Asia/Ho_Chi_Minh", "vi", MEETING, "giờ Việt Nam (GMT+7)"),
        ("Asia/Ho_Chi_Minh", "en", MEETING, "Vietnam time (GMT+7)"),
        ("Asia/Bangkok", "vi", MEETING, "giờ Đông Dương (GMT+7)"),
        ("Asia/Kolkata", "en", MEETING, "Kolkata (GMT+5:30)"),
        ("America/Sao_Paulo", "vi", MEETING, "Sao Paulo (GMT-3)"),
        ("Europe/Berlin", "en", MEETING, "Berlin (GMT+1)"),
        ("Europe/Berlin", "en", dt.datetime(2021, 7, 1, tzinfo=dt.UTC), "Berlin (GMT+2)"),  # summer time
        ("UTC", "en", MEETING, "UTC"),
        ("Etc/UTC", "vi", MEETING, "UTC"),
        ("Mars/Olympus_Mons", "vi", MEETING, "Olympus Mons (GMT)"),  # unknown: read as UTC, never a failure
    ],
)
def test_a_zone_in_words(zone: str, lang: str, at: dt.datetime, said: str) -> None:
    assert zone_text(zone, lang, at) == said


def test_offsets_as_browsers_write_them() -> None:
    at = dt.datetime(2021, 1, 14, 13, 30)
    assert gmt_offset(at.replace(tzinfo=dt.timezone(dt.timedelta(hours=-9, minutes=-30)))) == "GMT-9:30"
    assert gmt_offset(at.replace(tzinfo=dt.timezone(dt.timedelta(hours=14)))) == "GMT+14"
    assert gmt_offset(at.replace(tzinfo=dt.UTC)) == "GMT"
