"""The import rules the tree is built on, read from the code itself (no service runs): no production
module imports another in a loop, and each package imports only what its `__init__.py` says it may."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("schemas", "servicekit", "devstack", "meeting_svc", "resolution_svc", "notifier")


def module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def production_modules() -> dict[str, Path]:
    return {module_of(p): p for top in PACKAGES for p in sorted((ROOT / top).rglob("*.py"))}


MODULES = production_modules()


def imports_of(module: str) -> set[str]:
    """The production modules `module` imports, at any depth of its code (a lazy import is still a tie)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import mod` names a module when pkg/mod.py exists, else a name inside pkg
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


GRAPH = {m: imports_of(m) for m in MODULES}


def reaches(start: str, goal: str) -> list[str] | None:
    """A chain of imports from `start` to `goal`, if there is one."""
    seen, stack = {start}, [[start]]
    while stack:
        chain = stack.pop()
        for nxt in sorted(GRAPH[chain[-1]]):
            if nxt == goal:
                return [*chain, nxt]
            if nxt not in seen:
                seen.add(nxt)
                stack.append([*chain, nxt])
    return None


def is_package_face(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def test_no_production_module_imports_itself_through_others() -> None:
    cycles = []
    for module in MODULES:
        if is_package_face(module):
            continue  # a package's __init__ re-exporting its modules is not a loop of its own
        chain = reaches(module, module)
        if chain and not any(is_package_face(m) for m in chain[1:-1]):
            cycles.append(" -> ".join(chain))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


# A service's HTTP layer: where its routes are joined and its app is built; these may import its views.
HTTP_LAYER = {f"{s}.{m}" for s in ("meeting_svc", "resolution_svc", "notifier") for m in ("app", "routes")}

# (importers, what they must never import, why). A prefix names a module and everything under it.
SERVICES = ("meeting_svc", "resolution_svc", "notifier")
CHANNELS = ("notifier.webhooks", "notifier.emails", "notifier.live")

NEVER = [
    (
        "resolution_svc",
        "resolution_svc.views",
        "the bus consumers, the scheduler and the rules call the use cases, never an HTTP handler",
    ),
    *[
        (one, other, "a channel of the notifier never calls another")
        for one in CHANNELS
        for other in CHANNELS
        if one != other
    ],
    *[
        (one, other, "a service learns of another from events, never from its code")
        for one in SERVICES
        for other in SERVICES
        if one != other
    ],
    *[
        (shared, service, "shared code knows no service")
        for shared in ("schemas", "servicekit")
        for service in SERVICES
    ],
    *[
        (shared, "devstack", "the product never depends on the development stack")
        for shared in ("schemas", "servicekit", *SERVICES)
    ],
]


def under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


@pytest.mark.parametrize(("importers", "target", "why"), NEVER, ids=[f"{a} -/-> {b}" for a, b, _ in NEVER])
def test_a_package_imports_only_what_it_may(importers: str, target: str, why: str) -> None:
    broken = [
        f"{m} imports {t}"
        for m in MODULES
        if under(m, importers) and not under(m, target) and m not in HTTP_LAYER
        for t in GRAPH[m]
        if under(t, target)
    ]
    assert not broken, f"{why}:\n" + "\n".join(broken)


# meeting_svc's packages and what each may import of the others (its `__init__.py` says why): the
# meeting lifecycle calls people/ and room/, never the reverse; record/ and site/ are called by none.
MEETING_SVC_MAY = {
    "organisation": ("access", "bilingual"),
    "accounts": ("access", "credentials", "organisation.db"),
    "meetings": ("access", "bilingual", "people", "room"),
    "people": ("access", "credentials", "events", "meetings.db", "meetings.rules", "organisation.db"),
    "contributions": ("access", "bilingual", "meetings.rules", "organisation.db"),
    "room": ("access", "bilingual", "credentials", "meetings.db", "people.db"),
    "record": ("access", "credentials", "meetings.db", "organisation.db", "people", "room.db"),
    "site": ("",),  # the top of the tree: what the browser loads draws on every package
}
SERVICE_WIDE = ("settings", "addresses")


@pytest.mark.parametrize("package", sorted(MEETING_SVC_MAY))
def test_a_meeting_svc_package_calls_only_what_it_says_it_may(package: str) -> None:
    own = f"meeting_svc.{package}"
    allowed = [f"meeting_svc.{p}".rstrip(".") for p in (*MEETING_SVC_MAY[package], *SERVICE_WIDE)]
    broken = [
        f"{m} imports {t}"
        for m in MODULES
        if under(m, own)
        for t in GRAPH[m]
        if under(t, "meeting_svc") and not under(t, own) and not any(under(t, a) for a in allowed)
    ]
    assert not broken, "\n".join(broken)


def test_every_meeting_svc_package_has_its_rule() -> None:
    packages = {
        m.split(".")[1] for m in MODULES if m.count(".") == 1 and under(m, "meeting_svc") and is_package_face(m)
    }
    assert packages == set(MEETING_SVC_MAY)
