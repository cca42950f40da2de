"""Organisers' accounts: password sign-in and its lockout, browser sessions, password resets, API tokens
(and their revocation, shared with the other services), single sign-on (OpenID Connect).

May call: access.py, credentials.py, organisation/db.py (the organisation a single sign-on domain
belongs to). Never a meeting's package: what an organiser may do in a meeting is access.py's check of
the token, not this package's. access.py reads a token's revocation through accounts/db.py."""
