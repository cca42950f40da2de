"""The notification policy: who gets which email, and the participant's own say. The meeting's policy
applied to the recipients of a notice, the signed link to a participant's notice settings (and the
one-click unsubscribe it carries), and when the daily digest is due. Pure rules, no SQL, no HTTP."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import uuid
from collections.abc import Iterable
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from schemas.notices import NOTICE_KINDS, Notice, effective, in_room
from servicekit import pg

Person = TypeVar("Person", bound=pg.RowLike)

# The kind of notice each email is; an invitation is none: it always goes.
NOTICE_OF: dict[str, str] = {
    "reminder_24h": "reminder",
    "reminder_1h": "reminder",
    "contribution_requested": "contribution",
    "contribution_deadline_near": "contribution",
    "contribution_overdue": "contribution",
    "poll_opened": "poll_opened",
    "resolution_adopted": "result",
    "directive_issued": "directive",
}
# Who "representatives" keeps when the notice names nobody responsible: department representatives and
# the chair, who speak for the others.
HEADS = frozenset({"department_representative", "chair"})
# The one-click header of a digest turns off every kind (a digest mixes them).
ALL_KINDS = "*"

KIND_NAMES: dict[str, tuple[str, str]] = {
    "reminder": ("Nhắc lịch họp", "Meeting reminders"),
    "contribution": ("Yêu cầu và hạn nộp báo cáo tham luận", "Position report requests and deadlines"),
    "poll_opened": ("Thông báo mở biểu quyết", "Votes opening"),
    "result": ("Kết quả: nghị quyết được thông qua", "Results: resolutions adopted"),
    "directive": ("Nhiệm vụ được giao cho đơn vị", "Directives given to departments"),
}
assert set(KIND_NAMES) == set(NOTICE_KINDS)


def meeting_policy(meeting: pg.RowLike) -> dict[str, Notice]:
    """The meeting's rules as applied (its read-model row: policy, venue, online link)."""
    raw = meeting["notification_policy"]
    given = None if raw is None else msgspec.json.decode(raw, type=dict[str, Notice])
    return effective(given, in_room(meeting["venue"], meeting["online_url"]))


def audience(rule: Notice, people: Iterable[Person], responsible: frozenset[uuid.UUID] | None) -> list[Person]:
    """The people the rule keeps: everyone, the heads (or, where the notice names them, those responsible)."""
    if rule.audience == "nobody":
        return []
    people = list(people)
    if rule.audience == "all":
        return people
    if responsible is not None:
        return [p for p in people if p["participant_id"] in responsible]
    return [p for p in people if p["role"] in HEADS]


# --- the link to a participant's notice settings ---------------------------------------------------------

_PERSON = b"hoinghi-notices"  # separates this MAC from any other use of the key (links without a generation)
_PERSON_EPOCH = b"hoinghi-notice-e"  # links that name the generation of the participant's invite


def _mac(key: bytes, participant_id: uuid.UUID) -> bytes:
    return hashlib.blake2b(participant_id.bytes, key=key, digest_size=16, person=_PERSON).digest()


def _mac_epoch(key: bytes, signed: bytes) -> bytes:
    return hashlib.blake2b(signed, key=key, digest_size=16, person=_PERSON_EPOCH).digest()


def settings_token(key: bytes, participant_id: uuid.UUID, epoch: int = 0) -> str:
    """Who may change this participant's notices, without signing in: the id, the generation of their
    invite (`session_epoch`) and their keyed MAC. Revoking or reissuing the invite starts a new
    generation, which ends the links of every email sent before, as it ends the sessions."""
    signed = participant_id.bytes + epoch.to_bytes(4, "big")
    return base64.urlsafe_b64encode(signed + _mac_epoch(key, signed)).decode()


def read_token(key: bytes, token: str) -> tuple[uuid.UUID, int] | None:
    """The participant a token speaks for and the generation of their invite it was made under, or None
    when it is not one this key made. A link made before links named a generation (43 characters) is
    of generation 0: it works only while the invite was never revoked nor reissued."""
    if len(token) not in (43, 48) or not token.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        return None
    if len(raw) == 32:
        participant_id = uuid.UUID(bytes=raw[:16])
        return (participant_id, 0) if hmac.compare_digest(raw[16:], _mac(key, participant_id)) else None
    if len(raw) != 36 or not hmac.compare_digest(raw[20:], _mac_epoch(key, raw[:20])):
        return None
    return uuid.UUID(bytes=raw[:16]), int.from_bytes(raw[16:20], "big")


def link_stands(token_epoch: int, removed: bool, current_epoch: int) -> bool:
    """Whether a notice-settings link still works: its participant is on the roster and the invite it was
    made under has not been revoked or reissued since (the rule of sessions, servicekit.sessions)."""
    return not removed and token_epoch >= current_epoch


def settings_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/notices/{token}"


def unsubscribe_url(public_url: str, token: str, kind: str) -> str:
    """The settings page itself: a POST there is the one-click, a GET (a client without one-click) shows it."""
    base = settings_url(public_url, token)
    return base if kind == ALL_KINDS else f"{base}?kind={kind}"


def unsubscribe_headers(public_url: str, token: str, kind: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe (RFC 2369 `List-Unsubscribe` with an https URI taking a POST)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(public_url, token, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- when the daily digest is due ------------------------------------------------------------------------------------


def digest_cutoff(now: dt.datetime, timezone: str, hour: int) -> dt.datetime:
    """The last digest moment at or before `now`: `hour` o'clock in the meeting's zone, today or yesterday.
    A digest carries what was held before it."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = now.astimezone(zone)
    today = dt.datetime.combine(local.date(), dt.time(hour), zone)
    return today if local >= today else dt.datetime.combine(local.date() - dt.timedelta(days=1), dt.time(hour), zone)
