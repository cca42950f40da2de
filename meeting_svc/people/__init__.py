"""The meeting's people: participants (added, imported from CSV, edited, removed), their invite links
and invitations, the join page and its files, RSVP, check-in and check-out (also at the desk, by
QR code), attendance and proxies (a delegated vote).

Calls: access.py, events.py, credentials.py, meetings/db.py and meetings/rules.py (the meeting, read
only), organisation/db.py (departments). Never meetings' views or room/: the lifecycle calls people/
(invite everyone when scheduled), not the reverse."""
