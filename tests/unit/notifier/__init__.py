"""Unit tests of the notifier's pure rules: signing, retries, the SSRF guard, event filters, the
notification policy, email rendering and building, what the live stream shows."""
