"""The notifier: it hears every meeting and resolution event and tells people and systems, on three
channels, each a package.

- webhooks/: organisations' subscriptions, signed (Standard Webhooks) and retried deliveries
- emails/: emails in each recipient's language, as the meeting's notification policy allows
- live/: the live meeting stream (Server-Sent Events)

Beside them: consumers.py (each event, in the consumer's transaction: the read model, the event log,
then each channel), read_model.py (its copy of meetings, participants and contribution requests, from
meeting_svc's events), event_log.py (the events handled, credentials stripped), access.py (who calls
the HTTP API), listen.py (database wake-ups), api.py and routes.py (the HTTP API and its OpenAPI
description), settings.py, app.py, openapi.py.

The channels call the modules beside them, never each other; consumers.py and app.py call the
channels. Everything may call schemas and servicekit.
"""
