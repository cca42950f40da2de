"""resolution_svc: resolutions, amendments, polls and ballots, and the directives an adopted resolution
issues. It learns meetings, participants, attendance and proxies only from meeting_svc's events and publishes
its own; it may call schemas/ (the event contract, the bus) and servicekit/, never meeting_svc or the
notifier.

- HTTP: routes.py (the Operation list, also the OpenAPI document) → views/ (thin handlers).
- Events in: consumers.py (the dispatch) → roster.py (the meeting's roster and attendance, the read model),
  motions.py (a motion from the floor becomes a draft poll).
- The clock: schedule.py (polls whose time came, turnout, overdue directives).
- Decisions: deciding.py (open and close a poll, settle an amendment, publish), which the views, the
  schedule and the consumer all call; barrier.py (wait for meeting_svc's acknowledged events first).
- Pure rules: voting/ (poll rules, tally, wording, presets, whether a ballot is accepted), service.py,
  amending.py, sealing.py (the cryptography of secret ballots), bodies.py (rows to bodies and events).
- SQL: db.py, directives_db.py, roster.py; the ballot's own statement (the hot path): casting.py.
"""
