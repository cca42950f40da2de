"""What every service shares apart from the event contract, in two kinds.

Plumbing: settings (settings.py), logging (logs.py), the PostgreSQL types queries are written against (pg.py), one
database role per service (db_roles.py), migrations, the app skeleton with its consumers, health and
metrics (runtime.py, main.py), the problem+json error format and request decoding (http.py),
`Idempotency-Key` (idempotency.py), OpenAPI documents (openapi.py), signed tokens and their revocation
(tokens.py, revocations.py), request-rate limits shared by the replicas (limits.py), streamed CSV/XLSX/JSON
exports (tabular.py).

Shared rules, the same in every service and free of I/O: participant sessions on current state
(sessions.py), validated request fields (fields.py), a meeting's time zone in words (zones.py),
calendar entries of meetings (calendar.py), invite links sealed to the notifier (sealed.py), QR codes of
links (qr.py), the one key of an email address (identity.py), the client's address behind trusted proxies
(clients.py), and the clock rules are read against (clock.py).

servicekit may call `schemas` (the event contract and bus) and nothing of the three services."""
