"""The rules of the meeting's people, free of HTTP and SQL: the participant CSV, proxies (a delegated
vote), who sees contact details, and who may check in."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from typing import get_args

from schemas.events import VOTING_ROLES, Language, Role
from servicekit.fields import email_problem, text_problem
from servicekit.identity import email_key
from servicekit.tokens import Claims

# --- participants ---------------------------------------------------------------------------------

ROLES: tuple[str, ...] = get_args(Role)
LANGUAGES: tuple[str, ...] = get_args(Language)
CSV_COLUMNS = ("name", "email", "department", "role", "weight", "language")


@dataclass(frozen=True)
class ParticipantRow:
    name: str
    email: str | None
    department_id: uuid.UUID | None
    role: str
    weight: int
    language: str
    row: int = 0  # its data row in the file (1-based)


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row (the header is row 0)
    field: str
    detail: str


def parse_participants(data: bytes, departments: dict[str, uuid.UUID]) -> tuple[list[ParticipantRow], list[RowError]]:
    """Parse the participant CSV. `departments` maps a department's code or name (lower-cased) to its id.
    Every row is checked; the caller creates nothing unless the error list is empty."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [RowError(0, "file", f"not UTF-8: {exc}")]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "name" not in header:
        return [], [RowError(0, "header", f"a 'name' column is required; columns are {', '.join(CSV_COLUMNS)}")]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        return [], [RowError(0, "header", f"unknown column(s) {unknown}; columns are {', '.join(CSV_COLUMNS)}")]
    reader.fieldnames = header
    rows: list[ParticipantRow] = []
    errors: list[RowError] = []
    emails: dict[str, int] = {}
    for n, raw in enumerate(reader, start=1):
        if None in raw:
            errors.append(RowError(n, "row", "more cells than columns"))
            continue
        cell = {k: (v or "").strip() for k, v in raw.items()}
        row_errors: list[RowError] = []
        for column, value in cell.items():
            problem = text_problem(value)
            if problem:
                row_errors.append(RowError(n, column, problem))
        name = cell.get("name", "")
        if not name:
            row_errors.append(RowError(n, "name", "required"))
        elif len(name) > 300:
            row_errors.append(RowError(n, "name", "at most 300 characters"))
        email = cell.get("email") or None
        if email is not None:
            if email_problem(email):
                row_errors.append(RowError(n, "email", f"{email!r} is not exactly one email address"))
            elif email_key(email) in emails:
                row_errors.append(RowError(n, "email", f"{email} already on row {emails[email_key(email)]}"))
            else:
                emails[email_key(email)] = n
        department_id = None
        if cell.get("department"):
            department_id = departments.get(cell["department"].lower())
            if department_id is None:
                row_errors.append(RowError(n, "department", f"no department with code or name {cell['department']!r}"))
        role = cell.get("role") or "voting_member"
        if role not in ROLES:
            row_errors.append(RowError(n, "role", f"{role!r} is not one of {', '.join(ROLES)}"))
        weight = 1
        if cell.get("weight"):
            try:
                weight = int(cell["weight"]) if len(cell["weight"]) <= 10 else -1
                if not 0 <= weight <= 1_000_000:
                    raise ValueError
            except ValueError:
                row_errors.append(RowError(n, "weight", f"{cell['weight']!r} is not a whole number from 0 to 1000000"))
        language = cell.get("language") or "vi"
        if language not in LANGUAGES:
            row_errors.append(RowError(n, "language", f"{language!r} is not one of {', '.join(LANGUAGES)}"))
        if row_errors:
            errors += row_errors
        else:
            rows.append(ParticipantRow(name, email, department_id, role, weight, language, n))
    if not rows and not errors:
        errors.append(RowError(0, "file", "no participant rows"))
    return rows, errors


def proxy_problem(
    *,
    principal_role: str,
    holder_role: str,
    same: bool,
    holder_gives: bool,
    principal_holds: int,
    held: int,
    limit: int,
) -> str | None:
    """Why a proxy from principal to holder is not allowed, or None."""
    if same:
        return "a participant cannot hold its own proxy"
    if principal_role not in VOTING_ROLES:
        return f"a {principal_role} has no vote to hand on"
    if holder_role not in VOTING_ROLES:
        return f"a {holder_role} cannot hold a proxy"
    if holder_gives:
        return "the holder has handed its own vote on (no chains)"
    if principal_holds:
        return "the principal holds proxies of others (no chains)"
    if held >= limit:
        return f"the holder already holds {held} prox{'y' if held == 1 else 'ies'} (limit {limit})"
    return None


# --- who sees what ----------------------------------------------------------------------------------

CONTACT_ROLES = frozenset({"chair", "secretary"})


def sees_contact_details(viewer: Claims, participant_id: uuid.UUID) -> bool:
    """Contact details (email) are for the person themself, the chair, the secretary and organisers;
    everyone else sees names, roles and departments. `viewer.role` is the current role."""
    return viewer.kind == "organiser" or viewer.sub == participant_id or viewer.role in CONTACT_ROLES


def may_check_in(self_check_in: bool, *, by_self: bool) -> bool:
    """Checking in is the participant's own act only where the meeting allows it; the desk (chair,
    secretary, organiser) may always record it. Checking out stays open to everyone: leaving is not
    for the desk to allow."""
    return self_check_in or not by_self
