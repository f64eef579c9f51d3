"""Sending mail (invitations, password-reset links) through a pluggable sender.

``FileMailSender`` (development) writes each message as an ``.eml`` file in a
folder, where a developer opens it; ``SmtpMailSender`` hands it to an SMTP
server (STARTTLS by default).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Letter:
    to: str
    subject: str
    body: str


class MailSender(Protocol):
    def send(self, letter: Letter) -> None: ...


def _message(sender: str, letter: Letter) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = letter.to
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="ponte.local")
    message.set_content(letter.body)
    return message


class FileMailSender:
    """Each message an ``.eml`` file in ``folder`` (created when needed, readable by its owner only)."""

    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = folder
        self.sender = sender

    def send(self, letter: Letter) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        message = _message(self.sender, letter)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{abs(hash(message['Message-ID'])) % 10**8:08d}.eml"
        path.write_bytes(bytes(message))
        path.chmod(0o600)

    def sent(self) -> list[Path]:
        """The messages written so far, oldest first."""
        return sorted(self.folder.glob("*.eml")) if self.folder.exists() else []


class SmtpMailSender:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        user: str | None = None,
        password: str | None = None,
        starttls: bool = True,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls = user, password, starttls

    def send(self, letter: Letter) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=20) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(_message(self.sender, letter))
