"""Pictures that cost far more to decode than to send (issue 15): five PNGs of
7070 x 7070 black pixels, 146 KB each, once cost 8.6 s and ~450 MB each to check.
The public mailbox and Open311 refuse them from their headers, decode nothing, and
count the pixels each address (or key) has them decode in a minute."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import ExifTags, Image, ImageFile

from tests.factories import taipei
from tests.open311.conftest import post
from tests.petitions import files
from tests.petitions.test_attachment_uploads import mailbox_data
from yankao.core import clock
from yankao.core.uploads import MAX_EDGE
from yankao.open311.services import client_create
from yankao.petitions.models import MailboxDraft

pytestmark = [pytest.mark.django_db, pytest.mark.hostile]


@pytest.fixture(autouse=True)
def fresh_counts(settings, tmp_path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "files"
    cache.clear()
    with clock.frozen(taipei(2026, 11, 26, 10, 0)):  # one minute's window for the test
        yield
    cache.clear()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """The issue's 7070 x 7070 black picture, one bit per pixel here (6 KB rather than
    146 KB): the header, all that may be read of it, says the same."""
    return files.blank_png(7070, 7070)


@pytest.fixture
def decoded(monkeypatch) -> list[tuple[int, int]]:
    """The size of every picture Pillow decodes during the test."""
    sizes: list[tuple[int, int]] = []
    load = ImageFile.ImageFile.load

    def recording_load(image):
        if image.tile:
            sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    return sizes


def _write(client, *attachments, address="203.0.113.7"):
    data = mailbox_data()
    if attachments:
        data["attachments"] = list(attachments)
    return client.post(reverse("mailbox:write"), data, REMOTE_ADDR=address)


def test_five_bombs_posted_to_the_mailbox_are_refused_without_decoding_any(client, bomb, decoded):
    response = _write(client, *(files.upload(f"zero{n}.png", bomb) for n in range(5)))
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("像素太多（超過 24 百萬像素）") == 5
    assert decoded == []
    assert not MailboxDraft.objects.exists()


def test_pictures_over_the_mailbox_request_limit_together_are_refused_before_decoding(
    client, decoded
):
    picture = files.blank_png(4000, 5000)  # 20 million pixels: one is fine, four are not
    response = _write(client, *(files.upload(f"{n}.png", picture) for n in range(4)))
    assert response.status_code == 400
    assert "圖片合計像素太多" in response.content.decode()
    assert decoded == []


def test_an_address_past_its_pixels_for_the_minute_is_told_to_wait(client, settings, decoded):
    settings.PUBLIC_UPLOAD_MEGAPIXELS = 30
    picture = files.blank_png(4000, 5000)  # 20 million pixels
    assert _write(client, files.upload("a.png", picture)).status_code == 302
    refused = _write(client, files.upload("b.png", picture))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 60
    assert "送出的圖片太多" in refused.content.decode()
    assert len(decoded) == 1  # the second picture was never decoded
    other = _write(client, files.upload("c.png", picture), address="198.51.100.9")
    assert other.status_code == 302  # another address has its own minute
    assert _write(client, address="203.0.113.7").status_code == 302  # a post without pictures


def test_a_phone_photo_still_passes_and_is_stored_smaller_without_its_location(client):
    photo = files.jpeg_with_gps(width=4032, height=3024, orientation=1)
    response = _write(client, files.upload("IMG_0001.jpg", photo))
    assert response.status_code == 302
    stored = MailboxDraft.objects.get().attachments.get()
    with stored.file.open("rb") as handle:
        picture = Image.open(io.BytesIO(handle.read()))
    assert picture.size == (MAX_EDGE, 1920)
    assert not picture.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def _media(content: bytes) -> io.BytesIO:
    data = io.BytesIO(content)
    data.name = "photo.png"
    return data


def test_a_bomb_posted_to_open311_is_refused_without_decoding_it(client, bomb, decoded):
    key = client_create(name="高雄一指通", rate_per_minute=1000)
    response = post(client, key, description="路燈不亮", media=_media(bomb))
    assert response.status_code == 400
    assert "media" in response.json()[0]["description"]
    assert decoded == []


def test_an_open311_key_past_its_pixels_for_the_minute_gets_a_429(client, settings, decoded):
    settings.PUBLIC_UPLOAD_MEGAPIXELS = 30
    key = client_create(name="高雄一指通", rate_per_minute=1000)
    picture = files.blank_png(4000, 5000)
    assert post(client, key, description="路燈不亮", media=_media(picture)).status_code == 201
    refused = post(client, key, description="路燈不亮", media=_media(picture))
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert len(decoded) == 1
