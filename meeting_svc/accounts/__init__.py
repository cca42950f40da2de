"""Organisers' accounts: password sign-in and its lockout, browser sessions, password resets, API tokens
(and their revocation, shared with the other services), single sign-on (OpenID Connect).

Calls: access.py, credentials.py, organisation/db.py. Never a meeting package: what an organiser may
do in a meeting is access.py's check on the token, not this package's."""
