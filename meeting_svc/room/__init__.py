"""Running the room: the current agenda item, the speakers' list, the projector's display links, the
polls on the room's screen (a read model of resolution_svc's events) and motions from the floor.

May call: access.py, bilingual.py, credentials.py, meetings/db.py (the meeting and its agenda, read
only), people/db.py (the participant put on a list of speakers). Never meetings' views or people's
handlers: the lifecycle calls room/ (the current item ends with the meeting), not the reverse."""
