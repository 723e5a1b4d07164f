"""An e-mail backend that writes every message as an .eml file into a folder.

The embedded default when no SMTP server is configured: a person opens the
folder (settings.EMAIL_FOLDER) and double-clicks a message to read it in any mail
program. Each file is a complete RFC 822 message, UTF-8 with encoded headers,
written to a temporary name and renamed, so a reader never sees half a file.
"""

import os
import re
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_slug(message_id: str, max_length: int = 80) -> str:
    slug = _UNSAFE.sub("-", message_id.strip().strip("<>")).strip("-.")
    return slug[:max_length] or "message"


def eml_filename(message_id: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{safe_slug(message_id)}.eml"


def write_atomically(folder: Path, name: str, data: bytes) -> Path:
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        target = folder / name
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return target


class EmailFolderBackend(BaseEmailBackend):
    def __init__(
        self, folder: str | Path | None = None, fail_silently: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.folder = Path(folder if folder is not None else settings.EMAIL_FOLDER)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for email in email_messages:
            if not email.recipients():
                continue
            try:
                self.write(email)
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent

    def write(self, email: EmailMessage) -> Path:
        mime = email.message()  # adds Date and, if missing, a Message-ID
        self.folder.mkdir(parents=True, exist_ok=True)
        name = eml_filename(str(mime["Message-ID"]))
        return write_atomically(self.folder, name, mime.as_bytes())
