"""HAProxy in front of a fault stack's replicas, configured from the very file compose.yaml's `scale`
profile mounts (devstack/haproxy.cfg): the same routes, health checks, retries and timeouts; only the
addresses change (Docker's DNS and fixed ports become the replicas' local ports)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from devstack.infra import end_with_parent, free_port, stop_process, tcp_reachable

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "devstack" / "haproxy.cfg"
# the host name each backend's server-template names in the compose file, by service
HOSTS = {"meeting_svc": "meeting_svc-scale", "resolution_svc": "resolution_svc-scale", "notifier": "notifier-scale"}


def haproxy_binary() -> str | None:
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if Path(p).exists()), None)


def local_config(text: str, port: int, replicas: dict[str, list[int]]) -> str:
    """The compose profile's configuration with local addresses: the frontend on `port`, each
    `server-template <name> <n> <host>:<port>` as n `server` lines on the replicas' ports, and no DNS
    resolvers. Fails when the file no longer has the shape this relies on, rather than test another one."""
    text, binds = re.subn(r"^(\s*)bind :\d+$", rf"\1bind 127.0.0.1:{port}", text, flags=re.M)
    assert binds == 1, "devstack/haproxy.cfg: one `bind :<port>` expected"
    text = re.sub(r"^resolvers docker\n(?:[ \t]+.*\n)*", "", text, flags=re.M)
    text = text.replace(" resolvers docker init-addr none", "")
    assert "resolvers" not in text, "devstack/haproxy.cfg: the resolvers could not be taken out"
    for service, host in HOSTS.items():
        pattern = rf"^(\s*)server-template (\w+) (\d+) {re.escape(host)}:\d+$"
        found = re.search(pattern, text, flags=re.M)
        assert found, f"devstack/haproxy.cfg: no server-template for {host}"
        indent, name, count = found.group(1), found.group(2), int(found.group(3))
        ports = replicas[service]
        assert count == len(ports), f"devstack/haproxy.cfg has {count} {name} servers, the stack {len(ports)}"
        servers = "\n".join(f"{indent}server {name}{i + 1} 127.0.0.1:{p}" for i, p in enumerate(ports))
        text = text[: found.start()] + servers + text[found.end() :]
    return text


@dataclass
class Balancer:
    directory: Path
    replicas: dict[str, list[int]]  # each service's replicas' ports, in order
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.directory / "haproxy.log"

    def start(self) -> Balancer:
        binary = haproxy_binary()
        assert binary is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "haproxy.cfg"
        config.write_text(local_config(CONFIG.read_text(), self.port, self.replicas))
        checked = subprocess.run([binary, "-c", "-f", str(config)], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [binary, "-db", "-f", str(config)],  # in the foreground, logs (and health changes) to the file
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=end_with_parent(),
            )
        return self

    def listening(self) -> bool:
        assert self.process is not None
        assert self.process.poll() is None, self.log.read_text(errors="replace")[-2000:]
        return tcp_reachable("127.0.0.1", self.port, 0.2)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
        self.process = None
