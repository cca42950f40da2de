"""The columns of the decisions and directives exports and how a row becomes cells: pure, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from servicekit.tabular import Column, Language, cell, zone

DIRECTIVE_COLUMNS = (
    Column("id", "Mã nhiệm vụ", "Directive id"),
    Column("meeting_id", "Mã cuộc họp", "Meeting id"),
    Column("resolution_id", "Mã nghị quyết", "Resolution id"),
    Column("title", "Nhiệm vụ", "Directive"),
    Column("description", "Mô tả", "Description"),
    Column("departments", "Đơn vị thực hiện", "Departments"),
    Column("due_date", "Hạn hoàn thành", "Due date"),
    Column("priority", "Mức ưu tiên", "Priority"),
    Column("status", "Trạng thái", "Status"),
    Column("overdue", "Quá hạn", "Overdue"),
    Column("note", "Ghi chú tiến độ", "Progress note"),
    Column("updated_at", "Cập nhật lúc", "Updated at"),
    Column("department_ids", "Mã đơn vị", "Department ids"),
)

DECISION_COLUMNS = (
    Column("poll_id", "Mã biểu quyết", "Poll id"),
    Column("meeting_id", "Mã cuộc họp", "Meeting id"),
    Column("motion", "Loại nội dung", "Motion"),
    Column("resolution_id", "Mã nghị quyết", "Resolution id"),
    Column("subject", "Nội dung biểu quyết", "Subject"),
    Column("question", "Câu hỏi", "Question"),
    Column("closed_at", "Kết thúc lúc", "Closed at"),
    Column("outcome", "Kết quả", "Outcome"),
    Column("yes", "Tán thành", "Yes"),
    Column("no", "Không tán thành", "No"),
    Column("abstain", "Không biểu quyết", "Abstain"),
    Column("yes_weight", "Trọng số tán thành", "Yes weight"),
    Column("no_weight", "Trọng số không tán thành", "No weight"),
    Column("abstain_weight", "Trọng số không biểu quyết", "Abstain weight"),
    Column("base", "Cơ sở tính", "Base"),
    Column("threshold", "Ngưỡng", "Threshold"),
    Column("required_weight", "Trọng số cần đạt", "Required weight"),
    Column("quorum_met", "Đủ túc số", "Quorum met"),
    Column("eligible_count", "Số người có quyền biểu quyết", "Eligible"),
    Column("present_count", "Số người có mặt", "Present"),
    Column("participating_count", "Số người đã biểu quyết", "Voted"),
    Column("secret", "Bỏ phiếu kín", "Secret"),
)


def _text(row: Any, field: str, lang: Language) -> str:
    first, other = (f"{field}_vi", f"{field}_en") if lang == "vi" else (f"{field}_en", f"{field}_vi")
    return str(row[first] or row[other] or "")


def department_names(ids: Sequence[Any], known: Mapping[Any, Any], lang: Language) -> str:
    """`Phòng Đo lường (ĐL); Phòng Thử nghiệm (TN)`: each department's name in the caller's language (else
    the other), with its code when it has one; its id where the department is not known here yet."""
    names = []
    for dep in ids:
        d = known.get(dep)
        if d is None:
            names.append(str(dep))
            continue
        first, other = (d["name_vi"], d["name_en"]) if lang == "vi" else (d["name_en"], d["name_vi"])
        name = first or other or str(dep)
        names.append(f"{name} ({d['code']})" if d["code"] else name)
    return "; ".join(names)


def directive_cells(row: Any, lang: Language, departments: Mapping[Any, Any]) -> Sequence[Any]:
    tz = zone(row["timezone"])
    return [
        cell(row["id"]),
        cell(row["meeting_id"]),
        cell(row["resolution_id"]),
        _text(row, "title", lang),
        row["description"],
        department_names(row["department_ids"], departments, lang),
        cell(row["due_date"]),
        row["priority"],
        row["status"],
        bool(row["overdue"]),
        row["note"],
        cell(row["updated_at"], tz),
        cell(row["department_ids"]),
    ]


def decision_cells(row: Any, lang: Language) -> Sequence[Any]:
    tz = zone(row["timezone"])
    result = msgspec.json.decode(row["result"]) if row["result"] else {}
    tallies = {t["option"]: t for t in result.get("tallies", [])}

    def tally(option: str, what: str) -> int:
        return int(tallies.get(option, {}).get(what, 0))

    subject = _text(row, "title", lang) if row["title_vi"] or row["title_en"] else ""
    return [
        cell(row["id"]),
        cell(row["meeting_id"]),
        row["motion"],
        cell(row["resolution_id"]),
        subject,
        _text(row, "question", lang),
        cell(row["closed_at"], tz),
        result.get("outcome"),
        tally("yes", "count"),
        tally("no", "count"),
        tally("abstain", "count"),
        tally("yes", "weight"),
        tally("no", "weight"),
        tally("abstain", "weight"),
        result.get("base"),
        result.get("threshold"),
        result.get("required_weight"),
        result.get("quorum_met"),
        result.get("eligible_count"),
        result.get("present_count"),
        result.get("participating_count"),
        bool(row["secret"]),
    ]


TALLY_COLUMNS = (
    Column("option", "Phương án", "Option"),
    Column("count", "Số phiếu", "Votes"),
    Column("weight", "Trọng số", "Weight"),
)

BALLOT_COLUMNS = (
    Column("voter", "Đại biểu", "Participant"),
    Column("voter_id", "Mã đại biểu", "Participant id"),
    Column("choice", "Lựa chọn", "Choice"),
    Column("weight", "Trọng số", "Weight"),
    Column("cast_at", "Bỏ phiếu lúc", "Cast at"),
)


def tally_rows(result_json: str) -> list[Sequence[Any]]:
    result = msgspec.json.decode(result_json)
    return [[t["option"], t["count"], t["weight"]] for t in result.get("tallies", [])]


def ballot_cells(row: Any, timezone: str | None) -> Sequence[Any]:
    name = row["voter_name"] or ""  # a name is never translated; none before the participant's facts arrive
    return [name, cell(row["voter_id"]), row["choice"], row["weight"], cell(row["cast_at"], zone(timezone))]
