"""`python -m meeting_svc` serves; `python -m meeting_svc create-organiser --organisation NAME` prints a new
organiser API token once (with `--email`, the organiser can also sign in in a browser: the password is
asked for, or read from standard input with `--password-stdin`); `python -m meeting_svc
revoke-organiser-token JTI` revokes one."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import sys
import uuid

import asyncpg

from meeting_svc.accounts import db as accounts_db
from meeting_svc.accounts import rules as accounts_rules
from meeting_svc.app import SERVICE, SQL, create_app
from meeting_svc.organisation import db as organisation_db
from meeting_svc.settings import Settings
from servicekit import pg
from servicekit.main import serve
from servicekit.migrations import BUS_SQL, migrate
from servicekit.runtime import ensure_database
from servicekit.settings import load
from servicekit.tokens import Claims, TokenSigner, read_key


async def connect(settings: Settings) -> pg.Connection:
    await ensure_database(settings.database_url)
    conn = await asyncpg.connect(settings.database_url, server_settings={"search_path": SERVICE})
    await migrate(conn, SERVICE, {"bus": BUS_SQL, SERVICE: SQL})
    return conn


async def create_organiser(
    settings: Settings, organisation: str, name: str, email: str | None = None, password: str | None = None
) -> tuple[uuid.UUID, str]:
    """A new organiser of `organisation` (created if new) and its API token (only its hash is kept); with
    an email and a password, an account that signs in at `/login` too."""
    signer = TokenSigner(read_key(settings.token_private_key, "TOKEN_PRIVATE_KEY"))
    password_hash = None
    if email is not None:
        if password is None or (problem := accounts_rules.password_problem(password)):
            raise SystemExit(f"password: {problem if password else 'required with --email'}")
        password_hash = await accounts_rules.hash_password(password)
    conn = await connect(settings)
    try:
        async with conn.transaction():
            org = await organisation_db.ensure_organisation(conn, organisation)
            jti = uuid.uuid4()
            expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.organiser_token_days)
            organiser_id = uuid.uuid4()
            token = signer.sign(
                Claims(kind="organiser", sub=organiser_id, org=org, jti=jti, exp=int(expires.timestamp()))
            )
            await accounts_db.add_organiser(conn, org, organiser_id, name, jti, token, expires)
            if email is not None:
                try:
                    async with conn.transaction():
                        await accounts_db.set_account(conn, organiser_id, email, password_hash)
                except asyncpg.UniqueViolationError:
                    raise SystemExit(f"email: {email} is another organiser's") from None
    finally:
        await conn.close()
    return org, token


async def revoke(settings: Settings, jti: uuid.UUID) -> bool:
    conn = await connect(settings)
    try:
        return await accounts_db.revoke_organiser_token(conn, jti)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m meeting_svc")
    commands = parser.add_subparsers(dest="command")
    create = commands.add_parser("create-organiser", help="create an organiser and print its API token once")
    create.add_argument("--organisation", required=True)
    create.add_argument("--name", default="organiser")
    create.add_argument("--email", help="lets the organiser sign in in a browser; the password is asked for")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    rev = commands.add_parser("revoke-organiser-token", help="revoke an organiser API token by its id (jti)")
    rev.add_argument("jti", type=uuid.UUID)
    args = parser.parse_args()
    if args.command is None:
        serve(SERVICE, Settings, create_app)
        return
    settings = load(Settings)
    if args.command == "create-organiser":
        password = None
        if args.email:
            password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
        org, token = asyncio.run(create_organiser(settings, args.organisation, args.name, args.email, password))
        print(f"organisation {org}\n{token}")
    elif not asyncio.run(revoke(settings, args.jti)):
        sys.exit("no such active token")


if __name__ == "__main__":
    main()
