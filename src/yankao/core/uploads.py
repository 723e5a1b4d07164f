"""Checking the files citizens and staff upload (petition attachments, report-back
photos), before anything is stored.

The type is decided by the content, never by the file name or the browser's word:
a JPEG or PNG must open and verify with Pillow, a PDF must start with its header
and end with its trailer. Images are then decoded and encoded again, with their
orientation applied, so what is stored carries no EXIF (GPS, camera serial) or
other metadata, and no bytes the decoder did not understand.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    TemporaryFileUploadHandler,
)
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from yankao.core.models import StoredFile

Row = TypeVar("Row", bound="StoredFile")

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
# Taken whole with the form fields; beyond this a request is refused unread.
MAX_REQUEST_BYTES = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024
# A small file can unpack to a huge image (a "decompression bomb"); 50 megapixels
# is more than any phone camera or A3 scan at 300 dpi.
MAX_PIXELS = 50_000_000
NAME_MAX = 120

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf"}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_PDF_SIGNATURE = b"%PDF-"
_PDF_TRAILER = b"%%EOF"
_KEPT_INFO = ("icc_profile", "transparency")


class AttachmentRefused(Exception):
    """A file that is not kept; the message says why, fit to show to the sender."""


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks, with the bytes to store."""

    name: str
    content_type: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def clean_name(name: str, content_type: str) -> str:
    """The sender's file name as a harmless label: no folders, no control or
    format characters, not too long, and ending as its real type does."""
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if unicodedata.category(c)[0] not in "CZ" or c == " ")
    stem = PurePath(base).stem.strip(" .") or "attachment"
    extension = EXTENSIONS[content_type]
    return stem[: NAME_MAX - len(extension)] + extension


def sniff(head: bytes) -> str | None:
    """The type the first bytes say the content is, if it is one we accept."""
    if head.startswith(_JPEG_SIGNATURE):
        return JPEG
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if head.startswith(_PDF_SIGNATURE):
        return PDF
    return None


def check_file(upload: UploadedFile) -> CheckedFile:
    """Check one uploaded file and return what to store, or raise AttachmentRefused.
    Never raises anything else for a malformed file."""
    name = upload.name or ""
    if upload.size is None or upload.size > MAX_FILE_BYTES:
        raise AttachmentRefused(
            _(
                "“%(name)s” is larger than 10 MB. Send a smaller file or a scan at a "
                "lower resolution."
            )
            % {"name": name}
        )
    if upload.size == 0:
        raise AttachmentRefused(_("“%(name)s” is empty.") % {"name": name})
    upload.seek(0)
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise AttachmentRefused(
            _(
                "“%(name)s” is larger than 10 MB. Send a smaller file or a scan at a "
                "lower resolution."
            )
            % {"name": name}
        )
    content_type = sniff(data[:16])
    if content_type is None:
        raise AttachmentRefused(
            _(
                "“%(name)s” is not a JPEG or PNG picture or a PDF document. Only these "
                "can be attached."
            )
            % {"name": name}
        )
    content = _check_pdf(data, name) if content_type == PDF else _reencode(data, name)
    return CheckedFile(
        name=clean_name(name, content_type), content_type=content_type, content=content
    )


def _check_pdf(data: bytes, name: str) -> bytes:
    if _PDF_TRAILER not in data[-2048:]:
        raise AttachmentRefused(
            _("“%(name)s” is not a complete PDF document. Save it again and attach the new file.")
            % {"name": name}
        )
    return data


def _damaged(name: str) -> AttachmentRefused:
    return AttachmentRefused(
        _(
            "“%(name)s” could not be read as a picture; it may be damaged. Save it "
            "again and attach the new file."
        )
        % {"name": name}
    )


def _open_checked(data: bytes, name: str) -> Image.Image:
    """Open and verify the picture. The pixel count is checked from the header,
    before anything is decoded, and is far below Pillow's own bomb limit."""
    try:
        probe = Image.open(io.BytesIO(data), formats=["JPEG", "PNG"])
        if probe.width * probe.height > MAX_PIXELS:
            raise AttachmentRefused(
                _("“%(name)s” has too many pixels (more than 50 million). Send a smaller picture.")
                % {"name": name}
            )
        probe.verify()
        image = Image.open(io.BytesIO(data), formats=["JPEG", "PNG"])
        image.load()
    except AttachmentRefused:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ) as error:
        raise _damaged(name) from error
    return image


def _reencode(data: bytes, name: str) -> bytes:
    """Decode and encode the picture again, orientation applied, metadata left out."""
    image = _open_checked(data, name)
    source_format = image.format
    try:
        upright = ImageOps.exif_transpose(image)
        # Keep only what the pixels need to look right; comments, text chunks,
        # XMP and EXIF stay behind.
        upright.info = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
        out = io.BytesIO()
        if source_format == "JPEG":
            if upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
            upright.save(
                out,
                format="JPEG",
                quality=90,
                optimize=True,
                icc_profile=upright.info.get("icc_profile"),
            )
        else:
            upright.save(out, format="PNG", optimize=True)
    except (OSError, ValueError, SyntaxError) as error:
        raise _damaged(name) from error
    return out.getvalue()


# --- receiving -----------------------------------------------------------------------------


class CappedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams a large upload to a temporary file, but keeps only its first
    MAX_FILE_BYTES + 1 bytes: enough to know it is too large (its `size` is still
    the whole size), without letting one request fill the disk."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = MAX_FILE_BYTES + 1 - start
        if room > 0:
            self.file.write(raw_data[:room])


def upload_handlers(request: HttpRequest) -> list[FileUploadHandler]:
    """The handlers for a page that takes attachments; set them before the body is read."""
    return [MemoryFileUploadHandler(request), CappedTemporaryFileUploadHandler(request)]


def request_too_large(request: HttpRequest) -> bool:
    """Whether the request is too large to hold what the form allows; such a request
    is refused before its body is read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > MAX_REQUEST_BYTES


def files_store(
    files: Sequence[CheckedFile], *, row: Callable[[], Row], stem: str, by: Any, at: datetime
) -> list[Row]:
    """Store checked files, each with the row `row()` makes (its business keys set),
    under a random name. Call inside the caller's transaction; a file whose row is
    rolled back stays on disk unreferenced (harmless, and never served: files are
    served only through their row)."""
    stored = []
    for checked in files:
        one = row()
        one.original_name = checked.name
        one.content_type = checked.content_type
        one.size = checked.size
        one.sha256 = checked.sha256
        one.uploaded_at = at
        one.uploaded_by = by
        one.file.save(f"{stem}{checked.extension}", ContentFile(checked.content), save=False)
        one.save()
        stored.append(one)
    return stored
