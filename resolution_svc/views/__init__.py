"""Thin HTTP handlers, a module per resource: authenticate, decode, apply the rules in service.py, write
through db.py with the event in the same transaction."""
