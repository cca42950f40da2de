"""Meetings and their agenda: creation, editing, duplication as a template, the lifecycle (schedule,
start, end, cancel) and the notification policy.

May call: access.py, bilingual.py, people/ (everyone invited and the invitations released when a
meeting is scheduled; copying the people with a meeting) and room/ (the current item ends with the
meeting). The reverse never: people/, room/, contributions/ and record/ read a meeting only through
access.py (visible_meeting) and meetings/db.py, and use the pure meetings/rules.py; none calls
meetings' views, agenda or notices."""
