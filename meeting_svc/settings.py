from __future__ import annotations

from servicekit.settings import CommonSettings


class Settings(CommonSettings, frozen=True, kw_only=True):
    """meeting_svc's settings; each is read from the upper-cased environment variable."""

    port: int = 8081
    # PEM text or path of the Ed25519 key that signs organiser and participant tokens (required);
    # TOKEN_PUBLIC_KEY defaults to its public half.
    token_private_key: str = ""
    # Public key (base64, or the path of a file holding it) of the notifier's invitation key: personal
    # links leave meeting_svc only sealed to it. Without it invitation emails carry no personal link.
    invite_seal_public_key: str = ""
    # Base of the personal invite links: `{public_url}/join/{code}`.
    public_url: str = "http://127.0.0.1:8081"
    # Where meeting_svc reaches the other two services: it forwards the web client's `/resolution/...`
    # and `/notifier/...` requests there, so the page calls everything on its own origin.
    resolution_url: str = "http://127.0.0.1:8082"
    notifier_url: str = "http://127.0.0.1:8083"
    organiser_token_days: int = 365
    max_proxies_per_holder: int = 1
    # How often contribution deadlines are checked for `contribution.overdue`.
    overdue_interval_s: float = 30.0
