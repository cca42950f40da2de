"""Unit tests of servicekit's shared rules: sessions, tokens, time zones, calendar entries."""
