"""The email channel: each email an event (or a reminder, or the day's digest) causes, rendered in the
recipient's language as the meeting's notification policy and their own settings allow, queued with
the event's handling, then sent on its own over SMTP.

- policy.py: who gets which notice, the signed link to a participant's notice settings, when the
  digest is due (pure)
- render.py: subjects and bodies in Vietnamese or English, text and HTML (pure)
- message.py: the MIME message, its envelope and bytes (pure)
- refusals.py: which SMTP failures are final, when an email is tried again (pure)
- outbox.py: the emails of one notice into the outbox, one per recipient address
- send.py: the senders (claim, build, SMTP, mark sent or failed, `invitation.bounced`)
- reminders.py: the reminders no event triggers, and the digests (digests.py)
- db.py: the SQL of emails, reminders queued, notice settings, digest items and own keys
- views.py, settings_page.py: a meeting's email log for organisers; a participant's notice settings
  page (and one-click unsubscribe)

May call notifier.settings, notifier.access, notifier.api, notifier.read_model (recipients, meetings),
notifier.listen, schemas and servicekit; never the webhook or live channels.
"""
