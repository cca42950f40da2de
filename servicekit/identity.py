"""The one form of a person's identity that every limit, lookup and uniqueness check uses.

An email address is compared by its key: Unicode NFKC (full-width and compatibility letters folded),
then full case folding, then NFKC again (folding may leave a decomposed sequence: "İ" becomes "i" with
a combining dot), blanks around it trimmed. PostgreSQL never folds an address itself (its `lower()` maps
"İ" to "i" where Python's maps it to "i̇", and depends on the database's locale): the key is computed
here, stored beside the address, and compared as it is. Pure: no I/O."""

from __future__ import annotations

import unicodedata


def email_key(address: str) -> str:
    """The key an email address is looked up, limited and kept unique by."""
    folded = unicodedata.normalize("NFKC", address).casefold()
    # trimmed last: NFKC can make a leading blank of its own ("¯" becomes a space and a combining macron)
    return unicodedata.normalize("NFKC", folded).strip()
