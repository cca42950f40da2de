"""Position reports: contribution requests to departments, their submissions and every revision
(Markdown, rendered sanitised), reminders and the late/overdue state.

Calls: access.py, meetings/db.py (the meeting, read only), people/db.py (who represents a department),
organisation/db.py. Never meetings' views or room/."""
