"""The web client's ES modules as a graph: every import names a module that is there, and no module
imports itself through others. A cycle makes a module run while another it needs is half evaluated
(its `const`s not yet set: a ReferenceError in the browser, only on the page that loads them in that
order); a broken import makes the whole page fail. Both come with moving or splitting a module, and
neither shows until a browser loads that page."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from meeting_svc.site import assets as webassets

# `import("./x.js")`: loads when the code that asks for it runs, but is an edge of the graph all the same
DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*["'](\.{1,2}/[^"']+)["']\s*\)""")
# any `import … from "…"` / `export … from "…"` / `import "…"`, whatever it names
ANY_STATIC_IMPORT = re.compile(r"""^\s*(?:import|export)\s+(?:[\w$*{}\s,]+?\s+from\s+)?["']([^"']+)["']""", re.M)


def modules(folder: Path) -> dict[str, str]:
    """Every script of the client by its name under `folder` (as the pages address it)."""
    return {path.relative_to(folder).as_posix(): path.read_text() for path in sorted(folder.rglob("*.js"))}


def imports(sources: dict[str, str]) -> dict[str, list[str]]:
    """Each module's static and dynamic imports, resolved against the module's own folder."""
    found: dict[str, list[str]] = {}
    for name, text in sources.items():
        here = posixpath.dirname(name)
        targets = webassets.STATIC_IMPORT.findall(text) + DYNAMIC_IMPORT.findall(text)
        found[name] = [posixpath.normpath(posixpath.join(here, target)) for target in targets]
    return found


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """The import cycles met walking the graph depth first, each as the path from a module back to it."""
    found: list[list[str]] = []
    done: set[str] = set()
    path: list[str] = []

    def walk(name: str) -> None:
        path.append(name)
        for target in graph.get(name, []):
            if target in path:
                found.append([*path[path.index(target) :], target])
            elif target not in done:
                walk(target)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        if name not in done:
            walk(name)
    return found


SOURCES = modules(webassets.ASSETS)
GRAPH = imports(SOURCES)


def test_the_client_is_read() -> None:
    # the entries the pages name, so an empty or misplaced folder cannot pass the checks below
    assert {"participant/app.js", "display.js", "signin.js", "console/app.js", "lib/session.js"} <= set(SOURCES)
    assert sum(len(targets) for targets in GRAPH.values()) > 100


def test_every_import_names_a_module_of_the_client() -> None:
    broken = [
        f"{name} imports {target}" for name, targets in GRAPH.items() for target in targets if target not in SOURCES
    ]
    assert not broken, "imports of modules that are not there:\n" + "\n".join(broken)


def test_every_import_is_relative() -> None:
    # a bare or absolute name would not resolve within the versioned folder, and the pages' preload
    # lists (read with the same pattern) would miss it
    other = [
        f"{name} imports {target}"
        for name, text in SOURCES.items()
        for target in ANY_STATIC_IMPORT.findall(text)
        if not target.startswith(("./", "../"))
    ]
    assert not other, "\n".join(other)


def test_no_module_imports_itself_through_others() -> None:
    found = cycles(GRAPH)
    assert not found, "import cycles:\n" + "\n".join(" → ".join(cycle) for cycle in found)


def test_a_cycle_is_found_and_named() -> None:
    sources = {
        "app.js": 'import { a } from "./views/a.js";\n',
        "views/a.js": 'import { b } from "../lib/b.js";\nexport const a = 1;\n',
        "lib/b.js": 'export const b = () => import("../views/a.js");\n',
        "lib/c.js": 'import "./c.js";\n',
    }
    assert cycles(imports(sources)) == [["views/a.js", "lib/b.js", "views/a.js"], ["lib/c.js", "lib/c.js"]]
    assert cycles(imports({k: v for k, v in sources.items() if k != "lib/c.js"} | {"lib/b.js": ""})) == []
