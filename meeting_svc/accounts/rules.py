"""Organiser sign-in as rules, without I/O: passwords (argon2id), the lockout's arithmetic, the session
cookie and the checks every cookie-authenticated request passes (CSRF).

A browser holds one thing, the session cookie (HttpOnly, SameSite=Lax, Secure on https); the page it
serves reads the session's CSRF token from `GET /auth/session` (same origin only: meeting_svc never
allows credentials cross-origin) and sends it as `X-CSRF-Token` with every unsafe request, whose
`Origin` must be this site's. The console then exchanges cookie + CSRF token for a short-lived bearer
token (`POST /auth/token`) and calls every API as machines do, so the cookie itself opens nothing but
the `/auth/` routes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import math
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from servicekit.clients import limit_key
from servicekit.http import Problem
from servicekit.identity import email_key

PASSWORD_MIN = 12
PASSWORD_MAX = 1024  # hashing is deliberately slow: a megabyte "password" must not buy more of it

HASHER = PasswordHasher()  # argon2id, the library's current recommended cost
# Verified against when the email is unknown, so an unknown address costs the same time as a wrong password.
_DUMMY_HASH = HASHER.hash(secrets.token_hex(16))

ACCOUNT_FREE_FAILURES = 5  # per email key (existing or not) and per account: then 30 s, 60 s, 120 s… up to 15 min
ADDRESS_FREE_FAILURES = 30  # per client address, over all the emails it tries
FIRST_LOCK = dt.timedelta(seconds=30)
LONGEST_LOCK = dt.timedelta(minutes=15)
FAILURE_MEMORY = dt.timedelta(hours=1)  # failures older than this are forgotten

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None. Length is the rule that matters (NIST SP 800-63B):
    no composition rules, which push people to predictable patterns."""
    if len(password) < PASSWORD_MIN:
        return f"at least {PASSWORD_MIN} characters"
    if len(password) > PASSWORD_MAX:
        return f"at most {PASSWORD_MAX} characters"
    if password.strip() == "":
        return "not only spaces"
    return None


# Each hash takes argon2's 64 MiB and tens of milliseconds of a core: a burst of sign-ins waits its turn
# rather than exhausting the machine's memory.
# (A thread semaphore, taken in the worker thread: it belongs to no event loop.)
_HASHING = threading.BoundedSemaphore(2)
# Hashing runs in threads of its own, never the loop's default executor: nothing else queued there
# (exports, anything to_thread) can make a sign-in wait.
_HASH_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="argon2")


def _verify(stored_hash: str | None, password: str) -> bool:
    with _HASHING:
        try:
            HASHER.verify(stored_hash or _DUMMY_HASH, password[:PASSWORD_MAX])  # True, or it raises
            return stored_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def _hash(password: str) -> str:
    with _HASHING:
        return HASHER.hash(password)


async def hash_password(password: str) -> str:
    # argon2 releases the GIL: the loop keeps serving
    return await asyncio.get_running_loop().run_in_executor(_HASH_POOL, _hash, password)


async def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches; an account without a password (or no account) verifies against a
    dummy hash first, so the answer takes the same time either way."""
    return await asyncio.get_running_loop().run_in_executor(_HASH_POOL, _verify, stored_hash, password)


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than today's (rehashed at the next sign-in)."""
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt counted against a key: refused for a while, or let through (and then
    remembered as a failure until it succeeds)."""

    refused_for: dt.timedelta | None
    failures: int
    locked_until: dt.datetime | None


def count_attempt(
    failures: int, last_failure_at: dt.datetime | None, locked_until: dt.datetime | None, now: dt.datetime, free: int
) -> Attempt:
    """Every attempt counts as a failure before the password is checked (a success takes it back), so
    concurrent guesses cannot all pass the check before any is recorded. After `free` failures the key
    is locked for FIRST_LOCK, doubling with each failure after, at most LONGEST_LOCK."""
    if locked_until is not None and locked_until > now:
        return Attempt(locked_until - now, failures, locked_until)
    if last_failure_at is None or now - last_failure_at > FAILURE_MEMORY:
        failures = 0
    failures += 1
    lock = None
    if failures >= free:
        lock = now + min(LONGEST_LOCK, FIRST_LOCK * 2 ** min(failures - free, 16))
    return Attempt(None, failures, lock)


@dataclass(frozen=True)
class Counters:
    """The keys one kind of unauthenticated attempt is counted under (in sign_in_failures): the client's
    address (an IPv4 address or an IPv6 /64), the email address's key however it was typed, and the
    account once it is found. `kind` keeps the kinds apart ("" is sign-in, whose keys predate the others)."""

    kind: str = ""

    def address(self, client: str) -> str:
        return f"{self.kind}addr:{limit_key(client)}"

    def email(self, email: str) -> str:
        return f"{self.kind}email:{email_key(email)}"

    def account(self, organiser_id: object) -> str:
        return f"{self.kind}account:{organiser_id}"


SIGN_IN = Counters()
RESET_REQUEST = Counters("reset-")
RESET_LINK = Counters("reset-link-")
SINGLE_SIGN_ON = Counters("sso-")


def retry_after(wait: dt.timedelta) -> str:
    return str(max(1, math.ceil(wait.total_seconds())))


def too_many(wait: dt.timedelta, what: str = "failed sign-ins") -> Problem:
    """The one answer to a locked account or address, whether or not the email exists."""
    return Problem(
        429,
        "Too many attempts",
        f"too many {what}; wait and try again",
        headers={"Retry-After": retry_after(wait)},
    )


def sign_in_failed() -> Problem:
    return Problem(401, "Sign-in failed", "wrong email or password", field="password")


def new_secret() -> str:
    """A random credential (session id, CSRF token, reset link): 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def cookie_name(public_url: str, what: str = "session") -> str:
    """`__Host-` on https: the browser then accepts the cookie only Secure, for the whole site, from this
    exact host (no subdomain can set or shadow it). `what`: the session, or a single sign-on in flight."""
    return f"__Host-hoinghi_{what}" if public_url.lower().startswith("https://") else f"hoinghi_{what}"


def origin_problem(method: str, origin: str | None, fetch_site: str | None, site: str) -> Problem | None:
    """A cookie-authenticated unsafe request must come from this site's own pages: its `Origin` must be
    ours (browsers send it with every POST), and `Sec-Fetch-Site`, when sent, must say same-origin."""
    if method in SAFE_METHODS:
        return None
    if origin is None or origin.lower() != site:
        return Problem(403, "Cross-site request", "this request must come from this site's pages", field="Origin")
    if fetch_site is not None and fetch_site != "same-origin":
        return Problem(403, "Cross-site request", "this request must come from this site's pages", field="Origin")
    return None


def csrf_problem(method: str, sent: str | None, expected: str) -> Problem | None:
    if method in SAFE_METHODS:
        return None
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        return Problem(
            403, "CSRF token missing or wrong", f"send the session's token in {CSRF_HEADER}", field=CSRF_HEADER
        )
    return None


CONSOLE_PATH = "/organiser"  # where a signed-in organiser goes from `/` (the console)
