"""The meeting's record: the minutes (drafted from what the services recorded, edited, approved into
frozen versions, published; minutes/ holds the drafting, texts, store and renderers, the text budget
and the typesetting pool), the attendance export, and the participants' calendar feeds.

May call: access.py, credentials.py, meetings/db.py, organisation/db.py, people/ (the roll, a
participant's own feed and join texts) and room/db.py (items and speakers for the minutes). Nothing
calls record/ but the routes and app.py (the decisions it keeps from resolution_svc's events)."""
