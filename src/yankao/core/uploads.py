"""Checking the files citizens and staff upload (petition attachments, report-back
photos), before anything is stored.

The type is decided by the content, never by the file name or the browser's word:
a JPEG or PNG must open and verify with Pillow, a PDF must start with its header
and end with its trailer. Images are then decoded and encoded again, with their
orientation applied, so what is stored carries no EXIF (GPS, camera serial) or
other metadata, and no bytes the decoder did not understand.

Decoding is the costly part (a 146 KB PNG can unpack to 50 million pixels), so it is
bounded before it starts (docs/adr/0019): every file is first inspected from its
header alone (`inspect_file`), which says how many pixels decoding it will produce; a
picture over its sender's per-file limit, or a request whose pictures together are
over the per-request limit, is refused before any is decoded. A JPEG is decoded
straight at the smallest of 1/1, 1/2, 1/4 or 1/8 of its size that still fills
MAX_EDGE, and every picture is stored at most MAX_EDGE pixels on its longer side, so
encoding costs little whatever was sent. Public pages also count the pixels each
address has them decode in a minute (yankao.core.ratelimits).
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
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
# A small file can unpack to a huge image (a "decompression bomb"): a picture whose
# header claims more than 50 million pixels is refused unopened, whoever sends it.
MAX_PIXELS = 50_000_000
# Pictures are stored at most this many pixels on their longer side (a 12-megapixel
# phone photo, 4032 x 3024, is kept at 2560 x 1920): plenty to read a street sign or
# a letter, and the cost of encoding is bounded whatever was sent.
MAX_EDGE = 2560
# A progressive JPEG is decoded once per scan; encoders write about ten. Thousands of
# tiny scans make a small file cost seconds of decoding.
MAX_SCANS = 100
# Pillow reads a JPEG's header and a PNG's chunks in a Python loop: one step per
# segment, chunk or stray byte. Ten megabytes of empty segments cost seconds before a
# pixel is decoded; a photo has a few dozen segments, a PNG one chunk per 8 KB or more.
MAX_JPEG_HEADER_STEPS = 1000
MAX_PNG_CHUNKS = 10_000
NAME_MAX = 120

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf"}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_JPEG_START_OF_SCAN = b"\xff\xda"
_PDF_SIGNATURE = b"%PDF-"
_PDF_TRAILER = b"%%EOF"
_KEPT_INFO = ("icc_profile", "transparency")
_PICTURE_FORMATS = ["JPEG", "PNG"]
_UNREADABLE = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
)


@dataclass(frozen=True)
class UploadLimits:
    """How much decoding one sender's request may cost, in pixels decoded: for one
    picture, and for all the pictures of the request together."""

    file_pixels: int
    request_pixels: int

    @property
    def file_megapixels(self) -> int:
        return self.file_pixels // 1_000_000

    @property
    def request_megapixels(self) -> int:
        return self.request_pixels // 1_000_000


# Staff: a scan of an A3 page at 300 dpi is 17 million pixels; five per request.
STAFF = UploadLimits(file_pixels=MAX_PIXELS, request_pixels=120_000_000)
# Citizens and client apps: a phone photo is 12 million pixels (a 48-megapixel JPEG
# decodes to 12 at half size), five of them per request.
PUBLIC = UploadLimits(file_pixels=24_000_000, request_pixels=64_000_000)


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


@dataclass(frozen=True)
class InspectedFile:
    """A file whose header passed the checks, not yet decoded: `pixels` is what
    decoding it will produce (0 for a PDF, which is kept as sent)."""

    name: str
    content_type: str
    data: bytes
    pixels: int


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


def _too_large(name: str) -> AttachmentRefused:
    return AttachmentRefused(
        _("“%(name)s” is larger than 10 MB. Send a smaller file or a scan at a lower resolution.")
        % {"name": name}
    )


def _read(upload: UploadedFile) -> bytes:
    name = upload.name or ""
    if upload.size is None or upload.size > MAX_FILE_BYTES:
        raise _too_large(name)
    if upload.size == 0:
        raise AttachmentRefused(_("“%(name)s” is empty.") % {"name": name})
    upload.seek(0)
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(name)
    return data


def inspect_file(upload: UploadedFile, *, limits: UploadLimits = STAFF) -> InspectedFile:
    """Check one uploaded file from its bytes and its header, without decoding it,
    or raise AttachmentRefused. Never raises anything else for a malformed file."""
    name = upload.name or ""
    data = _read(upload)
    content_type = sniff(data[:16])
    if content_type is None:
        raise AttachmentRefused(
            _(
                "“%(name)s” is not a JPEG or PNG picture or a PDF document. Only these "
                "can be attached."
            )
            % {"name": name}
        )
    if content_type == PDF:
        _check_pdf(data, name)
        return InspectedFile(name=name, content_type=PDF, data=data, pixels=0)
    pixels = _pixels_to_decode(data, name)
    if pixels > limits.file_pixels:
        raise _too_many_pixels(name, limits.file_megapixels)
    return InspectedFile(name=name, content_type=content_type, data=data, pixels=pixels)


def finish_file(inspected: InspectedFile) -> CheckedFile:
    """Decode and re-encode an inspected picture (a PDF is kept as it is)."""
    content_type = inspected.content_type
    content = inspected.data if content_type == PDF else _reencode(inspected.data, inspected.name)
    return CheckedFile(
        name=clean_name(inspected.name, content_type), content_type=content_type, content=content
    )


def check_file(upload: UploadedFile, *, limits: UploadLimits = STAFF) -> CheckedFile:
    """Check one uploaded file and return what to store, or raise AttachmentRefused.
    Never raises anything else for a malformed file."""
    return finish_file(inspect_file(upload, limits=limits))


def too_many_pixels_together(
    inspected: Iterable[InspectedFile], limits: UploadLimits
) -> AttachmentRefused | None:
    """The refusal of a request whose pictures would together decode to more than
    the limit, or None."""
    if sum(found.pixels for found in inspected) <= limits.request_pixels:
        return None
    return AttachmentRefused(
        _(
            "The pictures together have too many pixels (more than %(millions)s million). "
            "Attach fewer pictures, or smaller ones."
        )
        % {"millions": limits.request_megapixels}
    )


def pixels_to_decode(uploads: Iterable[UploadedFile], *, limits: UploadLimits) -> int:
    """The pixels that checking these files would decode, from their headers alone;
    files that would be refused unread count nothing."""
    total = 0
    for upload in uploads:
        try:
            total += inspect_file(upload, limits=limits).pixels
        except AttachmentRefused:
            continue
    return total


def _check_pdf(data: bytes, name: str) -> None:
    if _PDF_TRAILER not in data[-2048:]:
        raise AttachmentRefused(
            _("“%(name)s” is not a complete PDF document. Save it again and attach the new file.")
            % {"name": name}
        )


def _damaged(name: str) -> AttachmentRefused:
    return AttachmentRefused(
        _(
            "“%(name)s” could not be read as a picture; it may be damaged. Save it "
            "again and attach the new file."
        )
        % {"name": name}
    )


def _too_many_pixels(name: str, millions: int) -> AttachmentRefused:
    return AttachmentRefused(
        _(
            "“%(name)s” has too many pixels (more than %(millions)s million). Send a "
            "smaller picture."
        )
        % {"name": name, "millions": millions}
    )


def _stored_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size a picture is stored at: at most MAX_EDGE on its longer side."""
    width, height = size
    scale = min(1.0, MAX_EDGE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _jpeg_header_is_short(data: bytes) -> bool:
    """Whether the segments before the first scan are few enough for Pillow's loop,
    counted the way it steps: a segment at a time, stray and fill bytes one by one."""
    pos, end = 2, len(data) - 3
    for _step in range(MAX_JPEG_HEADER_STEPS):
        if pos >= end:
            return False
        if data[pos] != 0xFF or data[pos + 1] == 0xFF:
            pos += 1
            continue
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the header is over
            return True
        if marker in (0x00, 0x01) or 0xD0 <= marker <= 0xD9:  # markers without a length
            pos += 2
            continue
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return False


def _png_chunks_are_few(data: bytes) -> bool:
    """Whether the PNG has at most MAX_PNG_CHUNKS chunks up to its end chunk."""
    pos = len(_PNG_SIGNATURE)
    for _chunk in range(MAX_PNG_CHUNKS):
        if pos + 8 > len(data) or data[pos + 4 : pos + 8] == b"IEND":
            return True  # the end, or a truncated file Pillow refuses anyway
        pos += 12 + int.from_bytes(data[pos : pos + 4], "big")
    return False


def _cheap_to_read(data: bytes) -> bool:
    """Whether Pillow can read the file's structure in few steps (its pixels aside)."""
    if data.startswith(_PNG_SIGNATURE):
        return _png_chunks_are_few(data)
    return data.count(_JPEG_START_OF_SCAN) <= MAX_SCANS and _jpeg_header_is_short(data)


def _open(data: bytes, name: str) -> Image.Image:
    """The picture opened from its header (nothing decoded yet): its structure and
    size checked first."""
    if not _cheap_to_read(data):
        raise _damaged(name)
    image = Image.open(io.BytesIO(data), formats=_PICTURE_FORMATS)
    if image.width * image.height > MAX_PIXELS:
        raise _too_many_pixels(name, MAX_PIXELS // 1_000_000)
    return image


def _drafted(image: Image.Image) -> Image.Image:
    """A JPEG set to decode straight at 1/2, 1/4 or 1/8 of its size where that still
    fills the stored size (libjpeg scales while decoding)."""
    if image.format == "JPEG":
        image.draft(None, _stored_size(image.size))
    return image


def _pixels_to_decode(data: bytes, name: str) -> int:
    """What decoding the picture will produce, read from its header. A progressive
    JPEG holds every coefficient of its full size while it is decoded, so it costs
    its full size even though its pixels come out smaller."""
    try:
        image = _open(data, name)
        if not (image.format == "JPEG" and image.info.get("progressive")):
            image = _drafted(image)
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(name, MAX_PIXELS // 1_000_000) from error
    except _UNREADABLE as error:
        raise _damaged(name) from error
    return image.width * image.height


def _reencode(data: bytes, name: str) -> bytes:
    """Decode the picture (a JPEG straight at a reduced size), bring it down to
    MAX_EDGE, turn it upright and encode it again, metadata left out."""
    try:
        if data.startswith(_PNG_SIGNATURE):
            Image.open(io.BytesIO(data), formats=["PNG"]).verify()
        image = _drafted(_open(data, name))
        kept: dict[str | tuple[int, int], Any] = {
            key: image.info[key] for key in _KEPT_INFO if key in image.info
        }
        source_format = image.format
        image.load()
        image.thumbnail((MAX_EDGE, MAX_EDGE))
        upright = ImageOps.exif_transpose(image)
        # Keep only what the pixels need to look right; comments, text chunks,
        # XMP and EXIF stay behind.
        upright.info = kept
        return _encode(upright, source_format)
    except _UNREADABLE as error:
        raise _damaged(name) from error


def _encode(image: Image.Image, source_format: str | None) -> bytes:
    out = io.BytesIO()
    if source_format == "JPEG":
        icc_profile = image.info.get("icc_profile")
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90, optimize=True, icc_profile=icc_profile)
    else:
        image.save(out, format="PNG")
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
