"""`python -m resolution_svc.openapi` writes docs/openapi-resolution.yaml from the routes' Structs."""

from __future__ import annotations

from resolution_svc.routes import OPERATIONS
from servicekit.openapi import ServiceDocument

OPENAPI = ServiceDocument(
    "openapi-resolution.yaml",
    "Hội nghị resolution_svc",
    "Resolutions with directives and amendments, polls under exact voting rules (base, threshold, quorum,"
    " weights, proxies, secret or named), ballots with receipts, results, and directive follow-up. Organisers"
    " use their API token; participants the session token from their invite link.",
    [op for op, _ in OPERATIONS],
)

if __name__ == "__main__":
    OPENAPI.write()
