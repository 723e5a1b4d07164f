"""Small files for the attachment tests, made here with Pillow: nothing downloaded."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (22.0, 37.0, 40.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (120.0, 18.0, 5.0),
}


def jpeg_with_gps(*, width: int = 40, height: int = 20, orientation: int = 6) -> bytes:
    """A phone photo: GPS position, camera make, a comment, and an orientation tag
    saying the picture must be turned (6: 90° clockwise)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.GPSInfo] = GPS
    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(
        out, "JPEG", exif=exif, comment=b"home of the sender"
    )
    return out.getvalue()


def png(*, width: int = 8, height: int = 8) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 128, 0, 255)).save(out, "PNG")
    return out.getvalue()


def blank_png(width: int, height: int) -> bytes:
    """A black picture of one bit per pixel: millions of pixels in a few kilobytes,
    the shape of a decompression bomb."""
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")
    return out.getvalue()


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
