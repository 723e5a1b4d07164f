"""Checking attached files: the type comes from the content, never the name;
pictures are re-encoded without their metadata; sizes are limited."""

import io
import zlib

import pytest
from PIL import ExifTags, Image

from tests.petitions import files
from yankao.core.uploads import (
    MAX_EDGE,
    MAX_FILE_BYTES,
    PDF,
    PNG,
    PUBLIC,
    STAFF,
    AttachmentRefused,
    UploadLimits,
    check_file,
    clean_name,
    inspect_file,
    too_many_pixels_together,
)


def test_a_jpg_that_is_really_text_is_refused():
    with pytest.raises(AttachmentRefused, match="JPEG"):
        check_file(files.upload("photo.jpg", b"just some text, not a picture", "image/jpeg"))


def test_a_png_named_pdf_is_kept_as_a_png():
    checked = check_file(files.upload("scan.pdf", files.png(), "application/pdf"))
    assert checked.content_type == PNG
    assert checked.name == "scan.png"
    assert Image.open(io.BytesIO(checked.content)).format == "PNG"


def test_a_pdf_is_recognised_by_its_header_whatever_its_name():
    checked = check_file(files.upload("letter.jpg", files.pdf(), "image/jpeg"))
    assert checked.content_type == PDF
    assert checked.name == "letter.pdf"
    assert checked.content == files.pdf()


def test_a_truncated_pdf_is_refused():
    with pytest.raises(AttachmentRefused, match="PDF"):
        check_file(files.upload("letter.pdf", files.pdf()[:60]))


def test_a_damaged_picture_is_refused_without_an_error_page():
    broken = files.jpeg_with_gps()[:200]
    with pytest.raises(AttachmentRefused):
        check_file(files.upload("photo.jpg", broken))


def test_a_picture_with_a_png_signature_and_garbage_after_it_is_refused():
    with pytest.raises(AttachmentRefused):
        check_file(files.upload("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 500))


def test_gps_camera_data_and_comments_are_removed_from_photos():
    original = Image.open(io.BytesIO(files.jpeg_with_gps()))
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo has GPS

    checked = check_file(files.upload("photo.jpg", files.jpeg_with_gps()))
    stored = Image.open(io.BytesIO(checked.content))
    exif = stored.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Make not in exif
    assert "exif" not in stored.info
    assert "comment" not in stored.info


def test_the_orientation_is_applied_before_the_tag_is_dropped():
    checked = check_file(files.upload("photo.jpg", files.jpeg_with_gps(width=40, height=20)))
    stored = Image.open(io.BytesIO(checked.content))
    assert stored.size == (20, 40)
    assert ExifTags.Base.Orientation not in stored.getexif()


def test_a_file_over_10_mb_is_refused_before_it_is_read():
    big = files.upload("scan.pdf", files.pdf())
    big.size = MAX_FILE_BYTES + 1
    with pytest.raises(AttachmentRefused, match="10 MB"):
        check_file(big)


def test_a_file_of_exactly_10_mb_is_accepted():
    content = files.pdf()
    padded = content[:-7] + b"%" * (MAX_FILE_BYTES - len(content)) + content[-7:]
    assert check_file(files.upload("scan.pdf", padded)).size == MAX_FILE_BYTES


def test_an_empty_file_is_refused():
    with pytest.raises(AttachmentRefused):
        check_file(files.upload("empty.pdf", b""))


def test_the_file_name_loses_folders_and_control_characters():
    assert clean_name("..\\..\\windows/evil\x00name\u202e.jpg", PNG) == "evilname.png"
    assert clean_name("", PDF) == "attachment.pdf"
    assert clean_name("路燈照片.JPG", PNG) == "路燈照片.png"
    assert len(clean_name("長" * 500 + ".pdf", PDF)) == 120


def test_the_checked_file_reports_its_size_and_hash():
    checked = check_file(files.upload("a.pdf", files.pdf()))
    assert checked.size == len(files.pdf())
    assert len(checked.sha256) == 64


@pytest.mark.hostile
def test_a_picture_with_too_many_pixels_is_refused_before_it_is_decoded():
    out = io.BytesIO()
    Image.new("1", (8000, 7000)).save(out, "PNG")  # 56 million pixels, a small file
    with pytest.raises(AttachmentRefused, match="像素太多"):
        check_file(files.upload("huge.png", out.getvalue()))


# --- the cost of decoding (docs/adr/0019) ---------------------------------------------


def _jpeg(width, height, **options):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 200)).save(out, "JPEG", quality=80, **options)
    return out.getvalue()


@pytest.mark.hostile
def test_a_public_picture_over_24_million_pixels_is_refused_from_its_header():
    bomb = files.blank_png(7070, 7070)  # 50 million pixels in a small file
    assert len(bomb) < 200_000
    with pytest.raises(AttachmentRefused, match="像素太多"):
        inspect_file(files.upload("zero.png", bomb), limits=PUBLIC)
    assert inspect_file(files.upload("zero.png", bomb), limits=STAFF).pixels == 7070 * 7070


def test_a_large_jpeg_is_decoded_at_half_size_and_stored_at_most_2560_pixels_wide():
    photo = files.upload("wide.jpg", _jpeg(5200, 2600))
    assert inspect_file(photo, limits=PUBLIC).pixels == 2600 * 1300  # libjpeg scales by 1/2
    stored = Image.open(io.BytesIO(check_file(photo, limits=PUBLIC).content))
    assert stored.size == (MAX_EDGE, 1280)


def test_a_large_png_is_stored_at_most_2560_pixels_on_its_longer_side():
    checked = check_file(files.upload("scan.png", files.blank_png(1500, 3000)))
    assert Image.open(io.BytesIO(checked.content)).size == (1280, MAX_EDGE)


def test_a_progressive_jpeg_costs_its_full_size_however_small_it_is_decoded():
    photo = files.upload("p.jpg", _jpeg(5200, 2600, progressive=True))
    assert inspect_file(photo, limits=PUBLIC).pixels == 5200 * 2600


@pytest.mark.hostile
def test_a_jpeg_with_thousands_of_scans_is_refused_before_it_is_decoded():
    progressive = _jpeg(64, 64, progressive=True)
    last_scan = progressive.rindex(b"\xff\xda")
    scan = progressive[last_scan:-2]  # the last scan, up to the end-of-image marker
    bomb = progressive[:-2] + scan * 2000 + b"\xff\xd9"
    with pytest.raises(AttachmentRefused, match="無法讀取"):
        inspect_file(files.upload("scans.jpg", bomb), limits=STAFF)


def test_a_phone_photo_of_12_million_pixels_fits_five_to_a_public_request():
    photo = _jpeg(4032, 3024)
    found = [inspect_file(files.upload(f"{n}.jpg", photo), limits=PUBLIC) for n in range(5)]
    assert found[0].pixels == 4032 * 3024
    assert too_many_pixels_together(found, PUBLIC) is None


@pytest.mark.hostile
def test_pictures_over_the_request_limit_together_are_refused_together():
    limits = UploadLimits(file_pixels=10_000, request_pixels=25_000)
    found = [
        inspect_file(files.upload(f"{n}.png", files.png(width=100, height=100)), limits=limits)
        for n in range(3)
    ]
    refused = too_many_pixels_together(found, limits)
    assert refused is not None and "圖片合計像素太多" in str(refused)
    assert too_many_pixels_together(found[:2], limits) is None


@pytest.mark.hostile
def test_a_jpeg_whose_header_is_thousands_of_empty_segments_is_refused_unread():
    photo = _jpeg(64, 64)
    padded = photo[:2] + b"\xff\xfe\x00\x02" * 5000 + photo[2:]  # empty comments
    with pytest.raises(AttachmentRefused, match="無法讀取"):
        inspect_file(files.upload("segments.jpg", padded))


@pytest.mark.hostile
def test_a_png_of_thousands_of_empty_chunks_is_refused_unread():
    picture = files.png()
    first_data = picture.index(b"IDAT") - 4
    empty = (0).to_bytes(4, "big") + b"IDAT" + zlib.crc32(b"IDAT").to_bytes(4, "big")
    padded = picture[:first_data] + empty * 20_000 + picture[first_data:]
    with pytest.raises(AttachmentRefused, match="無法讀取"):
        inspect_file(files.upload("chunks.png", padded))


def test_ordinary_photos_and_pngs_have_few_enough_segments():
    assert check_file(files.upload("gps.jpg", files.jpeg_with_gps())).content_type == "image/jpeg"
    assert check_file(files.upload("p.jpg", _jpeg(640, 480, progressive=True))).size > 0
    assert check_file(files.upload("a.png", files.png())).content_type == PNG


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGB", "RGBA", "I;16"])
def test_a_large_png_of_any_mode_is_brought_down_to_the_stored_size(mode):
    out = io.BytesIO()
    Image.new(mode, (3000, 200)).save(out, "PNG")
    checked = check_file(files.upload("x.png", out.getvalue()))
    assert Image.open(io.BytesIO(checked.content)).size == (MAX_EDGE, 171)
