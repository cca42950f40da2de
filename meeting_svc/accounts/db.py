"""Queries of organiser accounts, browser sessions, sign-in failures, password resets and API tokens."""

from __future__ import annotations

import datetime as dt
import uuid

import structlog

from meeting_svc.accounts import rules
from meeting_svc.credentials import sha256
from servicekit import pg
from servicekit.identity import email_key

Conn = pg.Executor
log = structlog.get_logger("meeting.accounts")


async def organiser_by_email(conn: Conn, email: str) -> pg.Row | None:
    """The organiser whose address has this one's key (servicekit/identity.py), however it is typed."""
    return await conn.fetchrow(
        "select o.id, o.organisation_id, o.name, o.email, o.password_hash, g.name as organisation_name"
        " from organisers o join organisations g on g.id = o.organisation_id where o.email_key = $1",
        email_key(email),
    )


async def organiser_by_id(conn: Conn, organiser_id: uuid.UUID) -> pg.Row | None:
    return await conn.fetchrow(
        "select o.id, o.organisation_id, o.name, o.email, o.password_hash, g.name as organisation_name"
        " from organisers o join organisations g on g.id = o.organisation_id where o.id = $1",
        organiser_id,
    )


async def set_account(conn: Conn, organiser_id: uuid.UUID, email: str | None, password_hash: str | None) -> None:
    """A new address (with its key; UniqueViolationError when it is another organiser's) and/or password."""
    await conn.execute(
        "update organisers set email = coalesce($2, email), email_key = coalesce($3, email_key),"
        " password_hash = coalesce($4, password_hash) where id = $1",
        organiser_id,
        email,
        email_key(email) if email is not None else None,
        password_hash,
    )


# --- lockout ----------------------------------------------------------------------------------------------


async def count_attempt(conn: pg.Connection, key: str, now: dt.datetime, free: int) -> rules.Attempt:
    """Count one attempt against `key`, under a row lock so concurrent attempts are counted one by one."""
    async with conn.transaction():
        await conn.execute(
            "insert into sign_in_failures (key, failures, last_failure_at) values ($1, 0, $2) on conflict do nothing",
            key,
            now,
        )
        row = await conn.fetchrow(
            "select failures, last_failure_at, locked_until from sign_in_failures where key = $1 for update", key
        )
        assert row is not None
        attempt = rules.count_attempt(row["failures"], row["last_failure_at"], row["locked_until"], now, free)
        if attempt.refused_for is None:
            await conn.execute(
                "update sign_in_failures set failures = $2, last_failure_at = $3, locked_until = $4 where key = $1",
                key,
                attempt.failures,
                now,
                attempt.locked_until,
            )
    return attempt


async def forget_failures(conn: Conn, account_keys: list[str], address_key: str) -> None:
    """A success: the account's failures are forgotten (under each of its keys); the address's attempt is
    taken back (other accounts' failures from the same address still count)."""
    await conn.execute("delete from sign_in_failures where key = any($1::text[])", account_keys)
    await take_back(conn, address_key)


async def take_back(conn: Conn, address_key: str) -> None:
    """One attempt counted against `address_key` was not a failure after all (unless it is locked already)."""
    await conn.execute(
        "update sign_in_failures set failures = greatest(failures - 1, 0) where key = $1 and locked_until is null",
        address_key,
    )


# --- browser sessions --------------------------------------------------------------------------------------


async def start_session(
    conn: Conn, session_id: str, organiser_id: uuid.UUID, csrf: str, now: dt.datetime, expires: dt.datetime
) -> None:
    await conn.execute(
        "insert into organiser_sessions (id_sha256, organiser_id, csrf_token, created_at, expires_at)"
        " values ($1, $2, $3, $4, $5)",
        sha256(session_id),
        organiser_id,
        csrf,
        now,
        expires,
    )


async def live_session(conn: Conn, session_id: str, now: dt.datetime) -> pg.Row | None:
    return await conn.fetchrow(
        "select s.id_sha256, s.organiser_id, s.csrf_token, s.expires_at, o.organisation_id, o.name, o.email,"
        " g.name as organisation_name"
        " from organiser_sessions s join organisers o on o.id = s.organiser_id"
        " join organisations g on g.id = o.organisation_id"
        " where s.id_sha256 = $1 and s.ended_at is null and s.expires_at > $2",
        sha256(session_id),
        now,
    )


async def end_session(conn: pg.Connection, id_sha256: bytes) -> None:
    """One browser session ends, and the console tokens it was given with it (shared with the other
    services through the revocation bucket)."""
    async with conn.transaction():
        await conn.execute("update organiser_sessions set ended_at = now() where id_sha256 = $1", id_sha256)
        await conn.execute(
            "update organiser_tokens set revoked_at = now() where session_sha256 = $1 and revoked_at is null",
            id_sha256,
        )


async def end_everything(conn: pg.Connection, organiser_id: uuid.UUID) -> int:
    """Every session of the organiser ends and every token issued to them is revoked: console tokens and
    the API tokens they made. Answers how many tokens were revoked."""
    await conn.execute(
        "update organiser_sessions set ended_at = now() where organiser_id = $1 and ended_at is null", organiser_id
    )
    done = await conn.execute(
        "update organiser_tokens set revoked_at = now()"
        " where organiser_id = $1 and revoked_at is null and expires_at > now()",
        organiser_id,
    )
    return int(done.rsplit(" ", 1)[1])


# --- tokens -----------------------------------------------------------------------------------------------


async def add_token(
    conn: Conn,
    *,
    jti: uuid.UUID,
    organiser_id: uuid.UUID,
    token: str,
    expires: dt.datetime,
    purpose: str,
    name: str | None = None,
    scope: str = "write",
    session_sha256: bytes | None = None,
) -> pg.Row:
    row = await conn.fetchrow(
        "insert into organiser_tokens (jti, organiser_id, token_sha256, expires_at, purpose, name, scope,"
        " session_sha256) values ($1, $2, $3, $4, $5, $6, $7, $8)"
        " returning jti, name, scope, created_at, expires_at, last_used_at, revoked_at",
        jti,
        organiser_id,
        sha256(token),
        expires,
        purpose,
        name,
        scope,
        session_sha256,
    )
    assert row is not None  # an insert returns the row it made
    return row


async def api_tokens(conn: Conn, org: uuid.UUID) -> list[pg.Row]:
    """The organisation's API tokens that still work, newest first."""
    return await conn.fetch(
        "select t.jti, t.name, t.scope, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, o.name as made_by"
        " from organiser_tokens t join organisers o on o.id = t.organiser_id"
        " where o.organisation_id = $1 and t.purpose = 'api' and t.revoked_at is null and t.expires_at > now()"
        " order by t.created_at desc, t.jti",
        org,
    )


async def revoke_api_token(conn: Conn, org: uuid.UUID, jti: uuid.UUID) -> bool:
    done = await conn.execute(
        "update organiser_tokens t set revoked_at = now() from organisers o"
        " where t.jti = $2 and o.id = t.organiser_id and o.organisation_id = $1 and t.purpose = 'api'"
        " and t.revoked_at is null",
        org,
        jti,
    )
    return done.endswith(" 1")


async def token_in_use(conn: Conn, jti: uuid.UUID) -> bool:
    """Whether an organiser token still works, noting when it was last used (at most once a minute, in the
    same statement, so checking stays one round trip)."""
    return bool(
        await conn.fetchval(
            "with t as (select jti, revoked_at is null and expires_at > now() as valid, last_used_at"
            "   from organiser_tokens where jti = $1),"
            " used as (update organiser_tokens o set last_used_at = now() from t"
            "   where o.jti = t.jti and t.valid"
            "   and (t.last_used_at is null or t.last_used_at < now() - interval '1 minute'))"
            " select valid from t",
            jti,
        )
    )


# --- password resets --------------------------------------------------------------------------------------


async def add_reset(conn: Conn, token: str, organiser_id: uuid.UUID, now: dt.datetime, expires: dt.datetime) -> None:
    await conn.execute(
        "insert into password_resets (token_sha256, organiser_id, created_at, expires_at) values ($1, $2, $3, $4)",
        sha256(token),
        organiser_id,
        now,
        expires,
    )


async def reset_usable(conn: Conn, token: str, now: dt.datetime) -> bool:
    return bool(
        await conn.fetchval(
            "select true from password_resets where token_sha256 = $1 and used_at is null and expires_at > $2",
            sha256(token),
            now,
        )
    )


async def use_reset(conn: pg.Connection, token: str, now: dt.datetime) -> uuid.UUID | None:
    """Spend a reset link once: the organiser it was for, or None when unknown, used or expired. Spending
    it also voids the organiser's other open links."""
    organiser_id: uuid.UUID | None = await conn.fetchval(
        "update password_resets set used_at = $2 where token_sha256 = $1 and used_at is null and expires_at > $2"
        " returning organiser_id",
        sha256(token),
        now,
    )
    if organiser_id is not None:
        await conn.execute(
            "update password_resets set used_at = $2 where organiser_id = $1 and used_at is null", organiser_id, now
        )
    return organiser_id


# --- single sign-on ---------------------------------------------------------------------------------------


async def add_oidc_login(
    conn: Conn, state: str, nonce: str, verifier: str, now: dt.datetime, expires: dt.datetime
) -> None:
    await conn.execute(
        "insert into oidc_logins (state_sha256, nonce, code_verifier, created_at, expires_at)"
        " values ($1, $2, $3, $4, $5)",
        sha256(state),
        nonce,
        verifier,
        now,
        expires,
    )


async def take_oidc_login(conn: Conn, state: str, now: dt.datetime) -> pg.Row | None:
    """The sign-in this state started, once: a replayed answer from the provider finds nothing."""
    return await conn.fetchrow(
        "delete from oidc_logins where state_sha256 = $1 returning nonce, code_verifier, expires_at > $2 as live",
        sha256(state),
        now,
    )


async def single_sign_on_organiser(
    conn: pg.Connection, organisation_id: uuid.UUID, subject: str, email: str, name: str
) -> uuid.UUID | None:
    """The organiser this provider identity signs in as: the one it signed in as before, or the organiser of
    this organisation with this email (linked now), or a new one. None when the identity or the email
    belongs to another organisation's organiser."""
    row = await conn.fetchrow("select id, organisation_id from organisers where oidc_subject = $1", subject)
    if row is None:
        row = await conn.fetchrow(
            "select id, organisation_id from organisers where email_key = $1 for update", email_key(email)
        )
        if row is not None and row["organisation_id"] == organisation_id:
            await conn.execute("update organisers set oidc_subject = $2 where id = $1", row["id"], subject)
    if row is not None:
        return row["id"] if row["organisation_id"] == organisation_id else None
    organiser_id = uuid.uuid4()
    await conn.execute(
        "insert into organisers (id, organisation_id, name, email, email_key, oidc_subject)"
        " values ($1, $2, $3, $4, $5, $6)",
        organiser_id,
        organisation_id,
        name,
        email,
        email_key(email),
        subject,
    )
    return organiser_id


# --- housekeeping -----------------------------------------------------------------------------------------


async def sweep(conn: Conn, now: dt.datetime) -> None:
    """Forget what can no longer matter: old failures, ended or expired sessions, spent or expired reset
    links and sign-ins in flight, expired console tokens (an expired token is refused by its signature's
    expiry everywhere, so its revocation need not be remembered)."""
    await conn.execute(
        "delete from sign_in_failures where last_failure_at < $1 and (locked_until is null or locked_until < $2)",
        now - rules.FAILURE_MEMORY,
        now,
    )
    await conn.execute(
        "delete from organiser_sessions where coalesce(ended_at, expires_at) < $1", now - dt.timedelta(days=1)
    )
    await conn.execute("delete from password_resets where expires_at < $1", now - dt.timedelta(days=1))
    await conn.execute("delete from oidc_logins where expires_at < $1", now)
    await conn.execute(
        "delete from organiser_tokens where purpose = 'console' and expires_at < $1", now - dt.timedelta(days=1)
    )


async def add_organiser(
    conn: pg.Connection,
    organisation_id: uuid.UUID,
    organiser_id: uuid.UUID,
    name: str,
    jti: uuid.UUID,
    token: str,
    expires: dt.datetime,
) -> None:
    await conn.execute(
        "insert into organisers (id, organisation_id, name) values ($1, $2, $3)", organiser_id, organisation_id, name
    )
    await conn.execute(
        "insert into organiser_tokens (jti, organiser_id, token_sha256, expires_at, name)"
        " values ($1, $2, $3, $4, 'command line')",
        jti,
        organiser_id,
        sha256(token),
        expires,
    )


async def revoked_since(pool: pg.Pool, since: dt.datetime | None) -> list[tuple[uuid.UUID, dt.datetime]]:
    """Unexpired organiser tokens revoked at or after `since` (all when None)."""
    rows = await pool.fetch(
        "select jti, revoked_at from organiser_tokens where revoked_at is not null and expires_at > now()"
        " and ($1::timestamptz is null or revoked_at >= $1) order by revoked_at",
        since,
    )
    return [(r["jti"], r["revoked_at"]) for r in rows]


async def revoke_organiser_token(conn: pg.Connection, jti: uuid.UUID) -> bool:
    done = await conn.execute(
        "update organiser_tokens set revoked_at = now() where jti = $1 and revoked_at is null", jti
    )
    return done.endswith(" 1")
