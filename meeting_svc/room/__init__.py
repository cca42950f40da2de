"""Running the room: the current agenda item, the speakers' list, the projector's display links, the
polls on the room's screen (a read model of resolution_svc's events) and motions from the floor.

Calls: access.py, bilingual.py, meetings/db.py (the meeting and its agenda, read only). Never
meetings' views or people/: the meeting lifecycle calls room/ (end of the meeting), not the reverse."""
