"""The organisation's departments and blocks: created, renamed and announced on the bus (each change in
the transaction that makes it; those made before the events existed, once at start).

May call: access.py, bilingual.py. The bottom of the tree: every other package may read departments
through organisation/db.py; nothing here reads a meeting or a person."""
