"""The live channel: a meeting's events as Server-Sent Events for its participants and organisers,
resumable with `Last-Event-ID`, one database read per event whatever the number of clients.

- frames.py: which events the stream shows, and the frame of one (pure)
- stream.py: the hub, one broadcaster per watched meeting, and the response that streams to a client
- db.py: the SQL of the meetings' live sequence numbers and of the logged live events after one
- slots.py: how many streams a session, a client address and the process may hold at once (pure)
- views.py: the HTTP handler (who may open a meeting's stream, and whether one more fits)

May call notifier.settings, notifier.access, notifier.read_model (the meeting of a stream),
schemas and servicekit; never the webhook or email channels. The events it shows are those the
consumer numbered into the event log (notifier.event_log).
"""
