"""Meetings and their agenda: creation, editing, duplication as a template, the lifecycle (schedule,
start, end, cancel) and the notification policy.

Calls: access.py, bilingual.py, people/ (the invitations a schedule releases, everyone invited) and
room/ (the current item ends with the meeting). people/, room/, contributions/ and record/ read a
meeting only through access.py and meetings/db.py (and the pure meetings/rules.py), never its views."""
