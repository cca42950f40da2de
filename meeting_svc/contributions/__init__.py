"""Position reports: contribution requests to departments, their submissions and every revision
(Markdown, rendered sanitised), reminders and the late/overdue state (and its event, announced by
app.py's task).

May call: access.py (the meeting, read only), bilingual.py, meetings/rules.py (a deadline in the
past), organisation/db.py (the departments addressed). Never meetings' views, people/ or room/."""
