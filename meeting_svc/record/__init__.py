"""The meeting's record: the minutes (drafted, edited, approved into frozen versions, published),
the attendance export, and the participants' calendar feeds.

Calls: access.py, meetings/db.py, people/ (the roll, a participant's own feed), room/db.py (items and
speakers for the minutes). Nothing calls record/ but the routes."""
