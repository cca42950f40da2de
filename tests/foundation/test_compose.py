"""compose.yaml (and the load balancer's configuration of its `scale` profile) names what exists: the
commands run packages we ship, every variable a service is given is one its settings read, the files
under /keys are those `python -m devstack keys` writes, ports agree between services and the load
balancer, and the scale profile is a three-node NATS cluster with replicated streams. Docker is not
needed: the files are read."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from meeting_svc.settings import Settings as MeetingSettings
from notifier.settings import Settings as NotifierSettings
from resolution_svc.settings import Settings as ResolutionSettings
from servicekit.settings import load

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = {"meeting_svc": MeetingSettings, "resolution_svc": ResolutionSettings, "notifier": NotifierSettings}
REQUIRED = {
    "meeting_svc": {"DATABASE_URL", "NATS_URL", "TOKEN_PUBLIC_KEY", "TOKEN_PRIVATE_KEY", "INVITE_SEAL_PUBLIC_KEY"},
    "resolution_svc": {"DATABASE_URL", "NATS_URL", "TOKEN_PUBLIC_KEY", "BALLOT_KEY"},
    "notifier": {"DATABASE_URL", "NATS_URL", "TOKEN_PUBLIC_KEY", "INVITE_SEAL_PRIVATE_KEY", "SMTP_HOST"},
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())  # type: ignore[no-any-return]


def services_running(compose: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Compose services that run one of ours: name -> (package, definition)."""
    found = {}
    for name, service in compose["services"].items():
        command = service.get("command") or []
        if command[:2] == ["python", "-m"] and command[2] in SETTINGS:
            found[name] = (command[2], service)
    return found


def test_every_command_runs_a_package_we_ship(compose: dict[str, Any]) -> None:
    shipped = set(re.findall(r"^COPY (\w+) \w+$", (ROOT / "Dockerfile").read_text(), re.M))
    for name, service in compose["services"].items():
        command = service.get("command") or []
        if command[:2] == ["python", "-m"]:
            assert command[2] in shipped, f"{name} runs {command[2]}, which the image does not hold"
            assert (ROOT / command[2] / "__main__.py").exists(), name


def test_every_variable_given_to_a_service_is_one_its_settings_read(compose: dict[str, Any]) -> None:
    running = services_running(compose)
    assert {package for package, _ in running.values()} == set(SETTINGS)
    for name, (package, service) in running.items():
        read = {field.upper() for field in SETTINGS[package].__struct_fields__}
        given = set(service["environment"])
        assert given - read == set(), f"{name} is given variables its settings never read"
        assert REQUIRED[package] - given == set(), f"{name} lacks required settings"
        # each value is one its settings accept
        load(SETTINGS[package], {k: str(v) for k, v in service["environment"].items()})


def test_the_key_files_named_are_those_devstack_keys_writes(compose: dict[str, Any], tmp_path: Path) -> None:
    keys = compose["services"]["keys"]
    assert keys["command"][:4] == ["python", "-m", "devstack", "keys"]
    subprocess.run([sys.executable, "-m", "devstack", "keys", str(tmp_path)], cwd=ROOT, check=True, capture_output=True)
    written = {p.name for p in tmp_path.iterdir()}
    for name, (_, service) in services_running(compose).items():
        for value in service["environment"].values():
            if str(value).startswith("/keys/"):
                assert str(value).removeprefix("/keys/") in written, f"{name}: {value} is never written"
        assert "keys:/keys" in service["volumes"]


def test_references_name_services_and_volumes_that_exist(compose: dict[str, Any]) -> None:
    services, volumes = set(compose["services"]), set(compose["volumes"])
    for name, service in compose["services"].items():
        assert set(service.get("depends_on") or []) <= services, name
        for volume in service.get("volumes") or []:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name} mounts {source}, which is not in the repository"
            else:
                assert source in volumes, f"{name} mounts an undeclared volume {source}"


def test_published_ports_are_the_ports_services_listen_on(compose: dict[str, Any]) -> None:
    for name, (_, service) in services_running(compose).items():
        port = service["environment"]["PORT"]
        for mapping in service.get("ports") or []:
            assert mapping.split(":")[-1] == port, name


def test_the_scale_profile_is_a_nats_cluster_with_replicated_streams_and_two_replicas(
    compose: dict[str, Any],
) -> None:
    scale = {n: s for n, s in compose["services"].items() if "scale" in (s.get("profiles") or [])}
    nodes = {n: s for n, s in scale.items() if str(s.get("image", "")).startswith("nats:")}
    assert len(nodes) == 3
    for name, node in nodes.items():
        args = node["command"]
        assert args[args.index("--server_name") + 1] == name
        routes = args[args.index("--routes") + 1].split(",")
        assert {re.match(r"nats://([\w-]+):6222$", r).group(1) for r in routes} == set(nodes)  # type: ignore[union-attr]
        assert "-js" in args
    apps = {n: s for n, (_, s) in services_running(compose).items() if n in scale}
    assert len(apps) == 3
    for name, service in apps.items():
        assert service["deploy"]["replicas"] == 2, name
        assert service["environment"]["STREAM_REPLICAS"] == "3", name
        hosts = {re.match(r"nats://([\w-]+):4222$", u).group(1) for u in service["environment"]["NATS_URL"].split(",")}  # type: ignore[union-attr]
        assert hosts == set(nodes), name
        assert set(nodes) <= set(service["depends_on"]), name
        assert "nats" not in service["depends_on"], f"{name} would start the single node too"


def test_the_load_balancer_routes_each_path_to_a_service_checked_by_readyz(compose: dict[str, Any]) -> None:
    lb = compose["services"]["lb"]
    assert lb["image"].startswith("haproxy:")
    mount = next(v for v in lb["volumes"] if v.endswith("haproxy.cfg:ro"))
    config = (ROOT / mount.split(":")[0]).read_text()
    running = services_running(compose)
    backends = dict(re.findall(r"^backend (\w+)\n((?:    .*\n)+)", config, re.M))
    assert set(backends) == {"meeting", "resolution", "notifier"}
    for backend, body in backends.items():
        assert "option httpchk GET /readyz" in body
        host, port = re.search(r"server-template \w+ 2 ([\w-]+):(\d+)", body).groups()  # type: ignore[union-attr]
        package, service = running[host]
        assert package.startswith(backend), (backend, host)
        assert service["environment"]["PORT"] == port
        assert service["deploy"]["replicas"] == 2
        assert host in lb["depends_on"]
    # /resolution/... and /notifier/... reach those services without their prefix; the rest meeting_svc
    for prefix in ("resolution", "notifier"):
        assert f"str({prefix}) if {{ path_beg /{prefix}/ }}" in config
        assert f"regsub(^/{prefix}/,/)" in config
        assert f"use_backend {prefix} if {{ var(txn.service) -m str {prefix} }}" in config
    assert "default_backend meeting" in config
    meeting = next(s for n, (p, s) in running.items() if p == "meeting_svc" and n in lb["depends_on"])
    assert meeting["environment"]["RESOLUTION_URL"].endswith("/resolution")
    assert meeting["environment"]["NOTIFIER_URL"].endswith("/notifier")
