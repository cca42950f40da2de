"""The web client's static files, read once at start: served under one content-hashed path
(`/web/{version}/...`, the hash of every file's name and bytes), so any change gives every file a new
address and each address can be cached for a year; compressed once (gzip) for browsers that accept it.
The script's relative imports (`./lib/api.js`) resolve within the same versioned folder; the pages preload
each entry's whole static import graph, read from the files here, so the list cannot fall out of date."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

ASSETS = Path(__file__).parent.parent / "web"
TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
IMMUTABLE = "public, max-age=31536000, immutable"
# a static `import … from "./x.js"`, `import "./x.js"` or `export … from "./x.js"`; not `import("…")`,
# which loads only when the code that asks for it runs
STATIC_IMPORT = re.compile(r"""^\s*(?:import|export)\s+(?:[\w$*{}\s,]+?\s+from\s+)?["'](\.{1,2}/[^"']+)["']""", re.M)


@dataclass(frozen=True)
class Asset:
    content_type: str
    body: bytes
    gzipped: bytes | None  # None where compressing does not pay


def load(folder: Path = ASSETS) -> tuple[str, dict[str, Asset]]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in TYPES)
    digest = hashlib.sha256()
    assets: dict[str, Asset] = {}
    for path in files:
        name = path.relative_to(folder).as_posix()
        body = path.read_bytes()
        digest.update(name.encode() + b"\0" + body + b"\0")
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        content_type = TYPES.get(path.suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        assets[name] = Asset(content_type, body, packed if len(packed) < len(body) * 0.9 else None)
    return digest.hexdigest()[:16], assets


def imports(assets: dict[str, Asset]) -> dict[str, list[str]]:
    """Each module's static imports, as asset names, in the order it names them."""
    found: dict[str, list[str]] = {}
    for name, asset in assets.items():
        if name.endswith(".js"):
            here = posixpath.dirname(name)
            found[name] = [
                posixpath.normpath(posixpath.join(here, target))
                for target in STATIC_IMPORT.findall(asset.body.decode())
            ]
    return found


def graph(imported: dict[str, list[str]], *entries: str) -> list[str]:
    """The entries and every module they import, directly or not, nearest first: what a page preloads
    so the browser fetches the whole graph at once instead of one level of imports after another."""
    seen: list[str] = []
    queue = list(entries)
    while queue:
        name = queue.pop(0)
        if name not in seen:
            seen.append(name)
            queue.extend(imported[name])
    return seen


def accepts_gzip(request: web.Request) -> bool:
    return any(
        part.split(";")[0].strip() in ("gzip", "*") and "q=0" not in part.replace(" ", "")
        for part in request.headers.get("Accept-Encoding", "").split(",")
    )


def setup(app: web.Application) -> tuple[str, dict[str, list[str]]]:
    """Adds the asset routes; returns the versioned prefix the pages refer to and the modules' imports."""
    version, assets = load()
    prefix = f"/web/{version}/"

    async def serve(request: web.Request) -> web.Response:
        if request.match_info["version"] != version:
            raise web.HTTPNotFound()  # an old page's address: its files are gone with its version
        asset = assets.get(request.match_info["name"])
        if asset is None:
            raise web.HTTPNotFound()
        headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding", "X-Content-Type-Options": "nosniff"}
        if asset.gzipped is not None and accepts_gzip(request):
            headers["Content-Encoding"] = "gzip"
            return web.Response(body=asset.gzipped, content_type=asset.content_type, headers=headers)
        return web.Response(body=asset.body, content_type=asset.content_type, headers=headers)

    app.router.add_get("/web/{version}/{name:.+}", serve)
    return prefix, imports(assets)
