"""A three-node JetStream cluster from the pinned nats-server, each node killable and restartable on
its own ports and store (for the cluster fault tests)."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from devstack.infra import end_with_parent, free_port, nats_server_binary, stop_process, tcp_reachable

NODE_CONFIG = """\
server_name: {name}
listen: 127.0.0.1:{port}
http: 127.0.0.1:{monitor_port}
jetstream {{
  store_dir: "{store}"
}}
cluster {{
  name: hoinghi
  listen: 127.0.0.1:{cluster_port}
  routes: [{routes}]
}}
"""


@dataclass
class Node:
    name: str
    directory: Path
    port: int = field(default_factory=free_port)
    monitor_port: int = field(default_factory=free_port)
    cluster_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self, routes: list[int]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "nats.conf"
        config.write_text(
            NODE_CONFIG.format(
                name=self.name,
                port=self.port,
                monitor_port=self.monitor_port,
                cluster_port=self.cluster_port,
                store=self.directory / "jetstream",
                routes=", ".join(f"nats-route://127.0.0.1:{p}" for p in routes if p != self.cluster_port),
            )
        )
        with open(self.directory / "nats.log", "ab") as log:
            self.process = subprocess.Popen(
                [nats_server_binary(), "-c", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=end_with_parent(),
            )

    def wait_listening(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not tcp_reachable("127.0.0.1", self.port, 0.2):
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.directory / 'nats.log'}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start in time")
            time.sleep(0.05)

    def jetstream_ready(self) -> bool:
        """The node's JetStream has a meta leader (the cluster formed)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.monitor_port}/jsz", timeout=1) as response:
                info = json.loads(response.read())
        except OSError:
            return False
        return bool((info.get("meta_cluster") or {}).get("leader"))

    def kill(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
        self.process = None


@dataclass
class NatsCluster:
    directory: Path
    size: int = 3
    nodes: list[Node] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.nodes = [Node(f"n{i}", self.directory / f"n{i}") for i in range(self.size)]

    @property
    def ports(self) -> list[int]:
        return [n.port for n in self.nodes]

    @property
    def url(self) -> str:
        return ",".join(f"nats://127.0.0.1:{p}" for p in self.ports)

    def routes(self) -> list[int]:
        return [n.cluster_port for n in self.nodes]

    def start(self, timeout: float = 30.0) -> NatsCluster:
        for node in self.nodes:
            node.start(self.routes())
        for node in self.nodes:
            node.wait_listening()
        self.wait_formed(timeout)
        return self

    def wait_formed(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not all(n.jetstream_ready() for n in self.nodes if n.process is not None):
            if time.monotonic() > deadline:
                raise RuntimeError("the NATS cluster did not elect a JetStream meta leader in time")
            time.sleep(0.1)

    def restart(self, index: int) -> None:
        node = self.nodes[index]
        node.start(self.routes())
        node.wait_listening()

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
