"""The attendance export's columns and how a participant becomes cells: pure, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from servicekit.tabular import Column, Language

ATTENDANCE_COLUMNS = (
    Column("participant_id", "Mã đại biểu", "Participant id"),
    Column("name", "Họ và tên", "Name"),
    Column("department", "Đơn vị", "Department"),
    Column("role", "Vai trò", "Role"),
    Column("weight", "Trọng số", "Weight"),
    Column("rsvp", "Xác nhận tham dự", "RSVP"),
    Column("attendance", "Tình trạng", "Attendance"),
    Column("proxy_holder", "Người được ủy quyền", "Proxy holder"),
)

ATTENDANCE = {
    "vi": {"present": "có mặt", "by_proxy": "ủy quyền", "excused": "vắng có lý do", "absent": "vắng"},
    "en": {"present": "present", "by_proxy": "by proxy", "excused": "excused", "absent": "absent"},
}


def attendance_of(row: Any) -> str:
    """Present when checked in; otherwise represented by proxy, excused (declined in advance) or absent."""
    if row["present"]:
        return "present"
    if row["proxy_holder"]:
        return "by_proxy"
    if row["rsvp"] == "declined":
        return "excused"
    return "absent"


def attendance_cells(row: Any, lang: Language) -> Sequence[Any]:
    first, other = ("department_vi", "department_en") if lang == "vi" else ("department_en", "department_vi")
    return [
        str(row["id"]),
        row["name"],
        row[first] or row[other] or "",
        row["role"],
        row["weight"],
        row["rsvp"] or "",
        ATTENDANCE[lang][attendance_of(row)],
        row["proxy_holder"] or "",
    ]
