"""`python -m notifier.openapi` writes docs/openapi-notifier.yaml from the routes' Structs."""

from __future__ import annotations

from notifier.routes import OPERATIONS
from servicekit.openapi import ServiceDocument

OPENAPI = ServiceDocument(
    "openapi-notifier.yaml",
    "Hội nghị notifier",
    "Webhook subscriptions (Standard Webhooks signatures), delivery log and replay, and the live meeting"
    " stream (Server-Sent Events). Organiser API tokens manage subscriptions; participants of a meeting and"
    " organisers of its organisation may open its stream.",
    [op for op, _ in OPERATIONS],
)

if __name__ == "__main__":
    OPENAPI.write()
