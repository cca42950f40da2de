from __future__ import annotations

from typing import Annotated

import msgspec

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
    # Organiser sign-in (meeting_svc/accounts/rules.py): how long a browser session lasts, how long a token the
    # console exchanges its cookie for lasts, and how long a password-reset link works.
    organiser_session_hours: Annotated[float, msgspec.Meta(gt=0)] = 12.0
    console_token_minutes: Annotated[float, msgspec.Meta(gt=0)] = 15.0
    password_reset_minutes: Annotated[float, msgspec.Meta(gt=0)] = 60.0
    # Optional single sign-on by OpenID Connect (all three to enable it): the provider's issuer URL, and
    # this service's client id and secret there; the redirect URI is `{public_url}/auth/oidc/callback`.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    # Which email domains the provider may sign in, and into which organisation (by name), e.g.
    # `quatest2.gov.vn=QUATEST 2,example.org=Example`; an address outside them is refused.
    oidc_domains: str = ""
    # The minutes' PDFs are typeset in a pool of their own (meeting_svc/record/minutes/typesetting.py): at
    # most `typeset_workers` compiles at once (each a process, so a core each), `typeset_waiting` more
    # queued (past that 503 + Retry-After), each killed after `typeset_timeout_s` seconds.
    typeset_workers: Annotated[int, msgspec.Meta(gt=0)] = 2
    typeset_waiting: Annotated[int, msgspec.Meta(ge=0)] = 8
    typeset_timeout_s: Annotated[float, msgspec.Meta(gt=0)] = 30.0
    # Characters of people's text (titles, summaries, resolutions...) a minutes document may hold in each
    # language; a summary that would pass it is refused (422), so every draft can be typeset. 30,000
    # CJK characters, the costliest script, typeset in about 2-3 s (meeting_svc/record/minutes/budget.py).
    minutes_text_budget: Annotated[int, msgspec.Meta(gt=0)] = 30_000
