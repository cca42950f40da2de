"""The webhook channel: an organisation's subscriptions receive the meeting events they match, signed
(Standard Webhooks) and retried until delivered, dead or gone.

- filters.py: which events a subscription receives (pure)
- signing.py: secrets, signatures and the headers of one attempt (pure)
- retries.py: the retry schedule with jitter and `Retry-After` (pure)
- ssrf.py: the SSRF guard, judging every target address after DNS resolution
- delivery.py: the dispatcher that claims due deliveries, attempts them and records the outcome
- db.py: the SQL of subscriptions, their secrets, the fan-out, deliveries, attempts and replays
- views.py: the HTTP handlers of subscriptions, the delivery log, dead letters and replays

May call notifier.settings, notifier.access, notifier.api, notifier.read_model (a subscription's
meeting), notifier.listen, schemas and servicekit; never the email or live channels.
"""
