"""Sending email over SMTP, when the clinic has configured it; without MAIL_SERVER nothing is sent.

Settings (app config): MAIL_SERVER, MAIL_PORT (587 with STARTTLS, else 25), MAIL_USE_TLS
(STARTTLS), MAIL_USERNAME and MAIL_PASSWORD (optional login), MAIL_SENDER (the From address).
"""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from clinic_onboard.services.plain_text import one_line

TIMEOUT_SECONDS = 15


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server; the text says why."""


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def build_message(to: str, subject: str, text: str, html: str, sender: str) -> EmailMessage:
    """A plain-text message with an HTML alternative.

    Every header value loses its control characters here too: a clinic name stored with a
    line break (before the forms removed them, or from a backup) would otherwise make the
    email library refuse the header, after the hire it announces was already saved.
    """
    to, subject, sender = one_line(to), one_line(subject).strip(), one_line(sender)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send_email(to: str, subject: str, text: str, html: str) -> bool:
    """Send one message; False when email is not configured. Raises MailError when it fails."""
    config = current_app.config
    if not mail_configured():
        return False
    sender = config.get("MAIL_SENDER") or config.get("MAIL_USERNAME") or "clinic_onboard@localhost"
    message = build_message(to, subject, text, html, sender)
    use_tls = bool(config.get("MAIL_USE_TLS"))
    port = int(config.get("MAIL_PORT") or (587 if use_tls else 25))
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], port, timeout=TIMEOUT_SECONDS) as smtp:
            if use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"{type(error).__name__}: {error}") from error
    return True
