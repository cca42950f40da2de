"""The meeting's people: participants (added, imported from CSV, edited, removed), their invite links
and invitations, the join page and its files, RSVP, check-in and check-out (also at the desk, by QR
code), attendance and proxies (a delegated vote).

May call: access.py, credentials.py, events.py, meetings/db.py and meetings/rules.py (the meeting,
read only), organisation/db.py (departments of the CSV import). Never meetings' views, room/,
contributions/ or record/: the lifecycle calls people/ (invite everyone when scheduled), not the
reverse. room/, record/ and site/ read participants through people/db.py."""
