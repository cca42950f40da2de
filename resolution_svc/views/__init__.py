"""HTTP handlers, a module per resource: authenticate, decode, authorize, then call the decision in
deciding.py (opening and closing polls, settling amendments) or, for a plain write, the rules in service.py
and the SQL in db.py with the event in the same transaction; answer. Nothing outside views/ calls them but the
HTTP wiring (app.py, routes.py)."""
