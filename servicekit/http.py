"""HTTP plumbing shared by the services: one error format (RFC 9457 problem+json), request bodies
decoded by msgspec with unknown fields rejected, correlation ids, and request metrics."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
import msgspec
import structlog
from aiohttp import web
from aiohttp.typedefs import Middleware
from asyncpg.exceptions import _base as asyncpg_base
from prometheus_client import Counter, Histogram

from schemas.codec import correlation_id
from servicekit.fields import explain

log = structlog.get_logger("http")

T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

_encoder = msgspec.json.Encoder()
PROBLEM_TYPE = "application/problem+json"


class Problem(Exception):
    """An error answered to the client as problem+json. `field` names the offending input."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field
        self.headers = headers or {}
        self.extra = extra

    def response(self) -> web.Response:
        body: dict[str, Any] = {"type": "about:blank", "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if self.field:
            body["field"] = self.field
        body.update(self.extra)
        return web.Response(
            status=self.status, body=_encoder.encode(body), content_type=PROBLEM_TYPE, headers=self.headers
        )


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=_encoder.encode(data), content_type="application/json", headers=headers)


_PATH = re.compile(r"at `\$(.*)`$")
# A FieldProblem raised by a Struct's own check names a field of the Struct at the path msgspec gives.
_OWN_FIELD = re.compile(r"^field `([^`]+)`: (.*?)(?: - at `\$(.*)`)?$", re.DOTALL)


def _field_of(exc: msgspec.ValidationError) -> str | None:
    own = _OWN_FIELD.match(str(exc))
    if own:
        return ".".join(p for p in ((own.group(3) or "").lstrip("."), own.group(1)) if p)
    m = _PATH.search(str(exc))
    if not m:
        return None
    # `$.items[3].title` -> `items[3].title`
    return m.group(1).lstrip(".") or None


def _invalid(exc: msgspec.ValidationError, status: int, title: str) -> Problem:
    field = _field_of(exc)
    own = _OWN_FIELD.match(str(exc))
    detail = f"`{field}` {own.group(2)}" if own else explain(str(exc))
    return Problem(status, title, detail, field=field)


def decode_body(body: bytes, cls: type[T]) -> T:
    if not body:
        raise Problem(400, "Request body required", "send a JSON object")
    try:
        return msgspec.json.decode(body, type=cls)
    except msgspec.ValidationError as exc:
        if str(exc).startswith("Object contains unknown field"):
            raise Problem(422, "Unknown field", str(exc), field=_field_of(exc)) from None
        raise _invalid(exc, 422, "Invalid field") from None
    except msgspec.DecodeError as exc:
        raise Problem(400, "Malformed JSON", str(exc), field="body") from None
    except UnicodeDecodeError as exc:
        # msgspec checks the UTF-8 of a string only as it decodes it, and says so with this error
        raise Problem(400, "Malformed JSON", f"the body is not valid UTF-8: {exc.reason}", field="body") from None


async def read_json(request: web.Request, cls: type[T]) -> T:
    return decode_body(await request.read(), cls)


def convert_query(params: dict[str, str], cls: type[T]) -> T:
    try:
        return msgspec.convert(params, cls, strict=False)
    except msgspec.ValidationError as exc:
        raise _invalid(exc, 400, "Invalid query parameter") from None


def parse_uuid(value: str, what: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        # an id that cannot exist is simply not found
        raise Problem(404, "Not found", f"no such {what}") from None


# The database is unreachable or out of capacity: the request may succeed shortly, so say when to retry.
DEPENDENCY_DOWN: tuple[type[BaseException], ...] = (
    OSError,  # connection refused or reset; also TimeoutError, e.g. waiting for a pooled connection
    asyncpg.exceptions.PostgresConnectionError,  # class 08
    asyncpg.exceptions.InsufficientResourcesError,  # class 53: too many clients, out of memory, disk full
    asyncpg.exceptions.CannotConnectNowError,  # the server is starting or in recovery
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.InterfaceError,
)
RETRY_AFTER_S = 2
# A value PostgreSQL (or asyncpg, before sending it) refuses as data: the server's class 22, and the
# client's "invalid input for query argument". Validation at the edge should have refused it first.
REFUSED_DATA: tuple[type[BaseException], ...] = (asyncpg.exceptions.DataError, asyncpg_base.DataError)


def unavailable() -> Problem:
    return Problem(
        503,
        "Service unavailable",
        "a backing service is unreachable or busy; retry shortly",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


UNHANDLED = Counter("http_unhandled_errors_total", "Requests that failed on an unexpected error", ["error"])


class ErrorLog:
    """Logs an unexpected error's traceback once per place it was raised, then only counts it: a
    request that always fails must not let a client fill the log."""

    def __init__(self, limit: int = 1000, logger: Any = None) -> None:
        self._seen: dict[tuple[str, str, int], int] = {}
        self._limit = limit
        self._log = logger or log

    def record(self, exc: BaseException, path: str) -> None:
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        where = (type(exc).__name__, tb.tb_frame.f_code.co_filename if tb else "?", tb.tb_lineno if tb else 0)
        count = self._seen.get(where, 0) + 1
        if where in self._seen or len(self._seen) < self._limit:
            self._seen[where] = count
        UNHANDLED.labels(type(exc).__name__).inc()
        if count == 1:
            self._log.error("unhandled error", path=path, exc_info=exc)
        elif count & (count - 1) == 0:  # a reminder at 2, 4, 8, ... occurrences, one line each
            self._log.error("unhandled error again", path=path, error=repr(exc)[:300], occurrences=count)


ERRORS = ErrorLog()


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The one error path: every failure leaves as problem+json, a 4xx for anything the client sent,
    a 503 with Retry-After when a dependency is down, and a 500 only for a bug."""
    try:
        return await handler(request)
    except Problem as p:
        return p.response()
    except web.HTTPRequestEntityTooLarge as exc:
        return Problem(413, "Request body too large", exc.text, field="body").response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        # Keep only the headers that mean something to the client (the router's 405 names the allowed
        # methods); the exception's own Content-Type would clash with problem+json.
        kept = {k: v for k, v in exc.headers.items() if k in ("Allow", "Retry-After", "WWW-Authenticate")}
        return Problem(exc.status, exc.reason, headers=kept).response()
    except REFUSED_DATA as exc:
        ERRORS.record(exc, request.path)  # a gap in the request's validation: worth a look, once
        return Problem(422, "Invalid value", "a value of the request cannot be stored").response()
    except DEPENDENCY_DOWN as exc:
        log.warning("dependency unavailable", path=request.path, error=repr(exc)[:300])
        return unavailable().response()
    except Exception as exc:
        ERRORS.record(exc, request.path)
        return Problem(500, "Internal error").response()


class BodyTooSlow(Exception):
    """A request's body did not arrive whole in time."""


def body_deadline(seconds: float) -> Middleware:
    """A middleware that answers 408 when a request's body has not arrived whole `seconds` after its
    head: a client sending a byte every few seconds cannot hold a handler (and its connection) for
    ever. The body's reader is failed, so a handler waiting on it is woken wherever it waits."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        body = request.content
        if not request.body_exists or body.is_eof():
            return await handler(request)

        def expire() -> None:
            if not body.is_eof():
                body.set_exception(BodyTooSlow())

        timer = asyncio.get_running_loop().call_later(seconds, expire)
        try:
            return await handler(request)
        except BodyTooSlow:
            detail = f"the request's body did not arrive whole within {seconds:g} s"
            raise Problem(408, "Request body too slow", detail, field="body", headers={"Connection": "close"}) from None
        finally:
            timer.cancel()

    return middleware


@web.middleware
async def correlation_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    cid = request.headers.get("X-Correlation-Id") or str(uuid.uuid4())
    token = correlation_id.set(cid[:128])
    started = time.perf_counter()
    route = request.match_info.route.resource.canonical if request.match_info.route.resource else "unmatched"
    status = 500
    try:
        response = await handler(request)
        status = response.status
        response.headers["X-Correlation-Id"] = cid
        return response
    finally:
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, route, str(status)).inc()
        correlation_id.reset(token)


def etag(version: int) -> str:
    return f'"{version}"'


def check_if_match(request: web.Request, version: int, *, required: bool = False) -> None:
    """Optimistic concurrency: an edit must name the version it was based on (`If-Match`)."""
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            raise Problem(428, "If-Match required", "send the ETag you last read", field="If-Match")
        return
    if header.strip() != "*" and etag(version) not in [h.strip().removeprefix("W/") for h in header.split(",")]:
        raise Problem(
            412,
            "Stale version",
            "the resource changed since you read it; read it again",
            field="If-Match",
            current_etag=etag(version),
        )


# --- pages on another origin (the participant web client) ---------------------------------------

CORS_ALLOW_HEADERS = "Authorization, Content-Type, If-Match, Idempotency-Key, Last-Event-ID, X-Correlation-Id"
CORS_EXPOSE_HEADERS = "ETag, Location, Retry-After, X-Correlation-Id"


def allow_origins(app: web.Application, origins: str) -> None:
    """Let pages from the comma-separated `origins` call this app from a browser (CORS).

    Preflights are answered by a middleware; the allow headers are added as each response is
    prepared, because a live stream sends its headers long before its handler returns."""
    allowed = frozenset(o.strip().rstrip("/") for o in origins.split(",") if o.strip())
    if not allowed:
        return

    @web.middleware
    async def preflight(request: web.Request, handler: Handler) -> web.StreamResponse:
        if (
            request.method == "OPTIONS"
            and request.headers.get("Origin") in allowed
            and "Access-Control-Request-Method" in request.headers
        ):
            return web.Response(
                status=204,
                headers={
                    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE",
                    "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
                    "Access-Control-Max-Age": "600",
                },
            )
        return await handler(request)

    async def stamp(request: web.Request, response: web.StreamResponse) -> None:
        origin = request.headers.get("Origin")
        if origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS
        response.headers.add("Vary", "Origin")

    app.middlewares.insert(0, preflight)
    app.on_response_prepare.append(stamp)
