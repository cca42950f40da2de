"""`python -m devstack run`: the whole product on one machine.

Uses PostgreSQL and NATS at DATABASE_URL / NATS_URL when reachable, otherwise starts private ones
under `.run/`; starts the three services, waits until each is ready, loads the reference
conference, prints where everything is, and stops it all cleanly on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Protocol

import asyncpg

from devstack.infra import EmbeddedPostgres, MailCatcher, NatsServer, tcp_reachable, url_reachable
from resolution_svc.sealing import new_ballot_key
from servicekit.db_roles import prepare_service, with_role
from servicekit.runtime import ensure_database
from servicekit.sealed import generate_seal_keypair
from servicekit.tokens import generate_keypair

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / ".run"
SERVICES = {"meeting_svc": 8081, "resolution_svc": 8082, "notifier": 8083}
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/hoinghi"
DEFAULT_NATS_URL = "nats://127.0.0.1:4222"


class Stoppable(Protocol):
    """What `make run` started and stops at the end: PostgreSQL, nats-server, the mail catcher."""

    def stop(self) -> object: ...


def say(message: str) -> None:
    print(f"[make run] {message}", flush=True)


def keys(folder: Path = RUN / "keys") -> tuple[Path, Path]:
    """The token signing key pair, made once (meeting_svc signs, every service verifies)."""
    private, public = folder / "token_ed25519.pem", folder / "token_ed25519.pub.pem"
    if not private.exists():
        folder.mkdir(parents=True, exist_ok=True)
        priv, pub = generate_keypair()
        private.write_text(priv)
        private.chmod(0o600)
        public.write_text(pub)
    return private, public


def seal_keys(folder: Path = RUN / "keys") -> tuple[Path, Path]:
    """The notifier's invitation key pair, made once: meeting_svc seals personal links to the public
    half, only the notifier opens them."""
    private, public = folder / "invite_seal.key", folder / "invite_seal.pub"
    if not private.exists():
        folder.mkdir(parents=True, exist_ok=True)
        priv, pub = generate_seal_keypair()
        private.write_text(priv + "\n")
        private.chmod(0o600)
        public.write_text(pub + "\n")
    return private, public


SERVICE_SCHEMAS = {"meeting_svc": "meeting", "resolution_svc": "resolution", "notifier": "notifier"}


def roles_in(urls: dict[str, str]) -> list[str]:
    return [urllib.parse.unquote(urllib.parse.urlsplit(u).username or "?") for u in urls.values()]


def service_database_urls(database_url: str, folder: Path = RUN / "keys") -> dict[str, str]:
    """Each service's own PostgreSQL role (made once, with a password kept under .run/keys) owning its
    schema, and the URL it connects with. An administrator URL that may not create roles leaves every
    service on that URL, with a warning."""

    passwords = {}
    for schema in SERVICE_SCHEMAS.values():
        secret = folder / f"db_{schema}.password"
        if not secret.exists():
            folder.mkdir(parents=True, exist_ok=True)
            secret.write_text(secrets.token_urlsafe(24))
            secret.chmod(0o600)
        passwords[schema] = secret.read_text().strip()

    async def prepare() -> dict[str, str]:
        await ensure_database(database_url)
        admin = await asyncpg.connect(database_url)
        try:
            urls = {}
            for name, schema in SERVICE_SCHEMAS.items():
                role = await prepare_service(admin, schema, password=passwords[schema])
                urls[name] = with_role(database_url, role, passwords[schema])
            return urls
        finally:
            await admin.close()

    try:
        return asyncio.run(prepare())
    except asyncpg.InsufficientPrivilegeError as exc:
        say(f"PostgreSQL: cannot create the services' roles ({exc}); every service uses DATABASE_URL's user")
        return dict.fromkeys(SERVICE_SCHEMAS, database_url)


def ballot_key(folder: Path = RUN / "keys") -> Path:
    """resolution_svc's BALLOT_KEY (secret ballots and receipts), made once, like the token keys."""
    path = folder / "ballot.key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(new_ballot_key() + "\n")
        path.chmod(0o600)
    return path


def wait_ready(url: str, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def run() -> int:
    RUN.mkdir(exist_ok=True)
    stoppers: list[Stoppable] = []
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if url_reachable(database_url):
        say(f"PostgreSQL: using {database_url}")
    else:
        say(f"PostgreSQL not reachable at {database_url}: starting an embedded one under .run/pg")
        pg = EmbeddedPostgres(RUN / "pg").start()
        stoppers.append(pg)
        database_url = pg.url("hoinghi")
        say(f"PostgreSQL: embedded at {database_url}")
    nats_url = os.environ.get("NATS_URL", DEFAULT_NATS_URL)
    if url_reachable(nats_url):
        say(f"NATS: using {nats_url}")
    else:
        say(f"NATS not reachable at {nats_url}: starting nats-server with JetStream under .run/nats")
        server = NatsServer(RUN / "nats", port=urllib.parse.urlsplit(nats_url).port or 4222)
        server.start()
        stoppers.append(server)
        nats_url = server.url
        say(f"NATS: embedded at {nats_url} (store .run/nats/jetstream, sync_interval always)")

    smtp_host, smtp_port = os.environ.get("SMTP_HOST", "127.0.0.1"), int(os.environ.get("SMTP_PORT", "1025"))
    if tcp_reachable(smtp_host, smtp_port):
        say(f"SMTP: using {smtp_host}:{smtp_port}")
    elif smtp_host == "127.0.0.1":
        stoppers.append(MailCatcher(RUN / "mail", smtp_port).start())
        say(f"SMTP: catching emails at 127.0.0.1:{smtp_port} into .run/mail/ (set SMTP_HOST to send for real)")
    else:
        say(f"SMTP: {smtp_host}:{smtp_port} not reachable; the notifier retries emails until it is")

    private, public = keys()
    seal_private, seal_public = seal_keys()
    database_urls = service_database_urls(database_url)
    say("PostgreSQL: each service connects as its own role (" + ", ".join(r for r in roles_in(database_urls)) + ")")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "NATS_URL": nats_url,
        "TOKEN_PRIVATE_KEY": str(private),
        "TOKEN_PUBLIC_KEY": str(public),
        "INVITE_SEAL_PUBLIC_KEY": str(seal_public),
        "INVITE_SEAL_PRIVATE_KEY": str(seal_private),
        "BALLOT_KEY": os.environ.get("BALLOT_KEY") or str(ballot_key()),
        "WEBHOOK_ALLOW_PRIVATE": os.environ.get("WEBHOOK_ALLOW_PRIVATE", "true"),
        # nothing in front to drain for: Ctrl-C stops at once
        "SHUTDOWN_DRAIN_S": os.environ.get("SHUTDOWN_DRAIN_S", "0"),
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        for name, port in SERVICES.items():
            service_env = {
                **env,
                "DATABASE_URL": database_urls[name],
                "PORT": os.environ.get(f"{name.upper()}_PORT", str(port)),
            }
            processes[name] = subprocess.Popen([sys.executable, "-m", name], env=service_env, cwd=ROOT)
        for name, port in SERVICES.items():
            url = f"http://127.0.0.1:{port}"
            if not wait_ready(url):
                say(f"{name} did not become ready at {url}/readyz; see its log above")
                return 1
            say(f"{name} ready at {url}")
        if (ROOT / "devstack" / "seed.py").exists():
            seed_env = {**env, "DATABASE_URL": database_urls["meeting_svc"]}  # it creates the organiser
            seed = subprocess.run([sys.executable, "-m", "devstack.seed"], env=seed_env, cwd=ROOT, check=False)
            if seed.returncode != 0:
                say("loading the reference conference failed; the services keep running")
        say("all services ready. Press Ctrl-C to stop.")
        while not stopping:
            for name, proc in processes.items():
                if proc.poll() is not None:
                    say(f"{name} exited with {proc.returncode}; stopping")
                    stopping = True
                    code = 1
            time.sleep(0.3)
    finally:
        say("stopping services")
        for proc in processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in processes.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        for stopper in reversed(stoppers):
            stopper.stop()
        say("stopped")
    return code


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    parser.add_argument("command", choices=["run", "keys"])
    parser.add_argument("folder", nargs="?", type=Path, default=RUN / "keys", help="for `keys`: where to write")
    args = parser.parse_args()
    if args.command == "keys":
        private, public = keys(args.folder)
        say(f"token keys: {private} (private), {public} (public)")
        private, public = seal_keys(args.folder)
        say(f"invitation keys: {private} (private, the notifier's), {public} (public, for meeting_svc)")
        say(f"ballot key: {ballot_key(args.folder)}")
        return 0
    return run()


if __name__ == "__main__":
    sys.exit(main())
