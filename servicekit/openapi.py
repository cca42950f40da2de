"""OpenAPI 3.1 documents built from the request/response Structs each service already decodes with,
so the document cannot drift from the code. Each service lists its operations; the document is
served at `/api/v1/openapi.json` and written to `docs/openapi-<service>.yaml`."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
from aiohttp import web

from servicekit.http import json_response

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details; `field` names the offending input.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "field": {"type": "string"},
    },
    "required": ["type", "title", "status"],
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    tag: str
    request: Any = None  # a Struct type, or a content type string for raw bodies (e.g. "text/csv")
    response: Any = None  # a Struct type (or list[...]), or content type string(s) of a file, answered on success
    status: int = 200
    errors: tuple[int, ...] = (400, 401, 404, 422)
    auth: str | None = "bearer"  # None for public routes
    headers: tuple[str, ...] = ()  # request headers honoured, e.g. ("Idempotency-Key", "If-Match")
    query: dict[str, str] = field(default_factory=dict)  # name -> description
    description: str = ""
    body_required: bool = True  # False where every field of the request has a default and no body is fine


def statuses(op: Operation) -> list[int]:
    """Every error status the operation can answer: its own, and those the shared plumbing adds."""
    found = set(op.errors) | {503}  # a dependency down (servicekit.http)
    if op.auth:
        found.add(401)
    if _path_params(op.path):
        found.add(404)
    if op.request is not None:
        found |= {413, 422} | ({400} if not isinstance(op.request, str) else set())  # too large, invalid, malformed
    if op.query:
        found.add(400)
    if "Idempotency-Key" in op.headers:
        found |= {400, 422}  # a key longer than 255 characters; a key reused with another body
    if "If-Match" in op.headers:
        found.add(412)
    return sorted(found)


def build(title: str, version: str, description: str, operations: list[Operation]) -> dict[str, Any]:
    types = []
    for op in operations:
        for t in (op.request, op.response):
            if t is not None and not isinstance(t, str | tuple):
                types.append(t)
    schemas, components = msgspec.json.schema_components(types, ref_template="#/components/schemas/{name}")
    by_type = {repr(t): s for t, s in zip(types, schemas, strict=True)}
    components["Problem"] = PROBLEM
    paths: dict[str, Any] = {}
    for op in operations:
        entry: dict[str, Any] = {"summary": op.summary, "tags": [op.tag], "operationId": _operation_id(op)}
        if op.description:
            entry["description"] = op.description
        params = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _path_params(op.path)
        ]
        params += [
            {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": d}
            for name, d in op.query.items()
        ]
        params += [
            {"name": h, "in": "header", "required": False, "schema": HEADERS.get(h, {"type": "string"})}
            for h in op.headers
        ]
        if params:
            entry["parameters"] = params
        if isinstance(op.request, str):
            entry["requestBody"] = {"required": True, "content": {op.request: {"schema": {"type": "string"}}}}
        elif op.request is not None:
            entry["requestBody"] = {
                "required": op.body_required,
                "content": {"application/json": {"schema": by_type[repr(op.request)]}},
            }
        ok: dict[str, Any] = {"description": "OK" if op.status == 200 else "Created" if op.status == 201 else "Done"}
        if isinstance(op.response, str | tuple):
            kinds = (op.response,) if isinstance(op.response, str) else op.response
            ok["content"] = {kind: {"schema": {"type": "string"}} for kind in kinds}
        elif op.response is not None:
            ok["content"] = {"application/json": {"schema": by_type[repr(op.response)]}}
        responses: dict[str, Any] = {str(op.status): ok}
        for status in statuses(op):
            responses[str(status)] = {
                "description": _REASONS.get(status, "Error"),
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }
        entry["responses"] = responses
        if op.auth:
            entry["security"] = [{op.auth: []}]
        paths.setdefault(op.path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                # meeting_svc's organiser sign-in (its /auth/ routes only)
                "session": {"type": "apiKey", "in": "cookie", "name": "__Host-hoinghi_session"},
            },
        },
    }


HEADERS: dict[str, dict[str, Any]] = {
    "Idempotency-Key": {"type": "string", "minLength": 1, "maxLength": 255},
}

_REASONS = {
    400: "Malformed request",
    401: "Missing, invalid or expired token",
    403: "Not allowed for this role",
    404: "Not found (or not yours)",
    409: "Conflicts with the current state",
    412: "Stale If-Match",
    413: "Body too large",
    422: "Invalid field",
    428: "If-Match required",
    429: "Too many requests",
    503: "A dependency is unavailable; retry after `Retry-After` seconds",
}


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]


def _operation_id(op: Operation) -> str:
    words = [p for p in op.path.split("/") if p and not p.startswith("{") and p not in ("api", "v1")]
    return op.method.lower() + "_" + "_".join(w.replace("-", "_").replace(":", "_") for w in words)


def serve(app: web.Application, document: dict[str, Any]) -> None:
    async def handler(_: web.Request) -> web.Response:
        return json_response(document)

    app.router.add_get("/api/v1/openapi.json", handler)


DOCS = Path(__file__).resolve().parent.parent / "docs"


@dataclass(frozen=True)
class ServiceDocument:
    """A service's OpenAPI document: served by the service, and kept in `docs/` (a test compares them)."""

    file: str
    title: str
    description: str
    operations: list[Operation]
    version: str = "1.0.0"

    @property
    def path(self) -> Path:
        return DOCS / self.file

    def document(self) -> dict[str, Any]:
        return build(self.title, self.version, self.description, self.operations)

    def render(self) -> str:
        import yaml  # writing the YAML file is a development task: PyYAML is a dev dependency

        return yaml.safe_dump(self.document(), sort_keys=False, allow_unicode=True, width=110)

    def write(self) -> None:
        self.path.write_text(self.render(), encoding="utf-8")
        sys.stdout.write(f"wrote {self.path}\n")
