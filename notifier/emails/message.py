"""An email as it goes to the SMTP server: the MIME message built from a stored row's subject and
bodies (with its calendar entry and QR image), its envelope, and its bytes. Pure: no I/O. A row that
cannot become one message to one address is `Unsendable`, and never retried."""

from __future__ import annotations

import email.policy
from dataclasses import dataclass
from email.message import EmailMessage

from notifier.emails.render import QR_CID, one_line
from servicekit.settings import SettingsError

# A subject is kept short enough that its encoded form (at most four UTF-8 bytes a character, base64)
# stays on one line of at most 998 characters, the RFC 5322 limit, whatever the text.
SUBJECT_MAX = 200
SUBJECT_MAX_BYTES = 600


def shorten(subject: str) -> str:
    if len(subject) <= SUBJECT_MAX and len(subject.encode()) <= SUBJECT_MAX_BYTES:
        return subject
    cut = subject[: SUBJECT_MAX - 1]
    while len(cut.encode()) > SUBJECT_MAX_BYTES - 3:
        cut = cut[:-1]
    return cut.rstrip() + "…"


# Bodies are encoded for 7-bit transport (quoted-printable or base64), so the bytes we make are the
# bytes any SMTP server takes, with or without 8BITMIME.
BUILD = email.policy.default.clone(cte_type="7bit")
# We make the bytes handed to the SMTP server ourselves, rather than letting the SMTP client
# regenerate them: its generator refolds headers at 78 columns, and Python's folder drops the space
# between two encoded words it folds between ("đơn vị:Hoàn thành" in every mail reader). A header
# that fits on one line is never folded, so readers decode exactly the subject we wrote.
WIRE = email.policy.SMTP.clone(max_line_length=998, cte_type="7bit")


class Unsendable(ValueError):
    """A message that cannot be built from its row; retrying will not change that."""


@dataclass(frozen=True)
class Outgoing:
    """One message as it goes to the SMTP server: the envelope and the bytes."""

    sender: str
    recipient: str
    data: bytes
    smtputf8: bool  # an address outside ASCII needs the server's SMTPUTF8


def build_message(
    *,
    sender: str,
    to_addr: str,
    subject: str,
    text: str,
    html_body: str,
    message_id: str,
    language: str,
    headers: dict[str, str] | None = None,
    calendar: tuple[str, str] | None = None,
    qr_png: bytes | None = None,
) -> EmailMessage:
    """`calendar` is (iTIP method, iCalendar text), attached as `meeting.ics`; `qr_png` is the image the
    HTML shows inline as `cid:QR_CID`."""
    message = EmailMessage(policy=BUILD)
    message["From"] = sender
    message["To"] = to_addr
    # Also for rows queued before subjects were made one line.
    message["Subject"] = shorten(one_line(subject))
    message["Message-ID"] = message_id
    message["Content-Language"] = language
    message["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    message.add_alternative(html_body, subtype="html")
    if qr_png is not None:
        html_part = message.get_body(("html",))
        assert html_part is not None
        html_part.add_related(qr_png, maintype="image", subtype="png", cid=f"<{QR_CID}>", filename="qr.png")
    if calendar is not None:
        method, ics = calendar
        message.add_attachment(ics, subtype="calendar", filename="meeting.ics", params={"method": method})
    return message


def _one_address(message: EmailMessage, header: str) -> str:
    """The single address a header holds: `a@x, b@y` as one participant's email reaches no one."""
    value = message[header]
    addresses = value.addresses
    if len(addresses) != 1 or value.defects or not addresses[0].username or not addresses[0].domain:
        raise Unsendable(f"{header} is not one email address: {str(value)[:200]!r}")
    return str(addresses[0].addr_spec)


def check_sender(sender: str) -> None:
    """A sender that is not one address would fail every message: refuse it at start, as a setting."""
    message = EmailMessage(policy=BUILD)
    try:
        message["From"] = sender
        _one_address(message, "From")
    except ValueError as exc:
        raise SettingsError(f"invalid setting SMTP_FROM: {exc}") from None


def outgoing(message: EmailMessage) -> Outgoing:
    """The envelope and the bytes of a built message; raises when it cannot go out as written."""
    sender = _one_address(message, "From")
    recipient = _one_address(message, "To")
    smtputf8 = not (sender + recipient).isascii()
    data = message.as_bytes(policy=WIRE.clone(utf8=True) if smtputf8 else WIRE)
    return Outgoing(sender, recipient, data, smtputf8)
