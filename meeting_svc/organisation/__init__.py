"""The organisation's departments and blocks: created, renamed and announced on the bus (each change in
the transaction that makes it; those made before the events existed, once at start).

Calls: access.py, events.py, bilingual.py only. Every other package may read departments through
organisation/db.py; nothing here reads a meeting."""
