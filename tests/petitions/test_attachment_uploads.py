"""Files attached on the citizen's mailbox form (kept with the draft until the
sender confirms) and on the staff intake (the scan of a letter or fax)."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import ExifTags, Image

from tests.factories import taipei
from tests.petitions import files
from tests.petitions.factories import category, district
from yankao.core import clock
from yankao.core.uploads import MAX_FILE_BYTES, MAX_REQUEST_BYTES
from yankao.messaging.models import OutboxMessage
from yankao.messaging.secrets import message_body
from yankao.petitions.models import Channel, MailboxDraft, Petition, PetitionAttachment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def mailbox_data(**changes):
    data = {
        "category": category("0103").pk,
        "subject": "光復路路燈不亮",
        "content": "光復路二段 120 號前路燈三天不亮。",
        "district": district("fengshan").pk,
        "address": "",
        "name": "李小明",
        "email": "ming@example.com",
        "phone": "",
        "website": "",
    }
    data.update(changes)
    return data


def write(client, *attachments, **changes):
    data = mailbox_data(**changes)
    if attachments:
        data["attachments"] = list(attachments)
    return client.post(reverse("mailbox:write"), data)


def confirm(client):
    body = message_body(OutboxMessage.objects.get(ref_type="petitions.draft"))
    link = re.search(r"/mailbox/confirm/\S+/", body).group(0)
    with clock.frozen(taipei(2026, 11, 26, 10)):
        return client.post(link)


def test_the_mailbox_keeps_the_files_with_the_draft_until_confirmation(client):
    response = write(
        client, files.upload("photo.jpg", files.jpeg_with_gps()), files.upload("a.pdf", files.pdf())
    )
    assert response.status_code == 302
    draft = MailboxDraft.objects.get()
    assert sorted(draft.attachments.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/jpeg",
    ]
    assert Petition.objects.count() == 0

    confirm(client)
    petition = Petition.objects.get()
    assert petition.attachments.count() == 2
    assert not PetitionAttachment.objects.filter(draft__isnull=False).exists()


def test_stored_photos_have_no_gps_when_opened_from_the_disk(client):
    write(client, files.upload("photo.jpg", files.jpeg_with_gps()))
    attachment = PetitionAttachment.objects.get()
    with default_storage.open(attachment.file.name) as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert attachment.size == default_storage.size(attachment.file.name)


def test_stored_files_get_random_names_not_the_senders(client):
    write(client, files.upload("李小明家門口.jpg", files.jpeg_with_gps()))
    attachment = PetitionAttachment.objects.get()
    assert attachment.original_name == "李小明家門口.jpg"
    assert "李小明" not in attachment.file.name
    assert re.fullmatch(r"petitions/[0-9a-f]{4}/[0-9a-f]{32}\.jpg", attachment.file.name)


def test_a_text_file_named_jpg_is_refused_with_a_message_in_chinese(client):
    response = write(client, files.upload("photo.jpg", b"hello, not a picture", "image/jpeg"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "「photo.jpg」不是 JPEG 或 PNG 圖片，也不是 PDF 文件" in html
    assert MailboxDraft.objects.count() == 0


def test_a_file_over_10_mb_is_refused_with_a_message_in_chinese(client):
    big = files.pdf()[:-7] + b"%" * MAX_FILE_BYTES + b"\n%%EOF\n"
    response = write(client, files.upload("big.pdf", big))
    assert response.status_code == 400
    assert "「big.pdf」超過 10 MB" in response.content.decode()
    assert MailboxDraft.objects.count() == 0


def test_more_than_five_files_are_refused(client):
    six = [files.upload(f"p{n}.png", files.png()) for n in range(6)]
    response = write(client, *six)
    assert response.status_code == 400
    assert "最多只能附加 5 個檔案（您選了 6 個）" in response.content.decode()
    assert PetitionAttachment.objects.count() == 0


def test_a_request_too_large_for_the_form_is_refused_unread(client):
    url = reverse("mailbox:write")
    response = client.post(url, mailbox_data(), CONTENT_LENGTH=str(MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413
    assert "檔案合計太大" in response.content.decode()
    assert MailboxDraft.objects.count() == 0


def test_purging_an_expired_draft_deletes_its_files(client, django_capture_on_commit_callbacks):
    with clock.frozen(taipei(2026, 11, 26, 10)):
        write(client, files.upload("a.pdf", files.pdf()))
    name = PetitionAttachment.objects.get().file.name
    assert default_storage.exists(name)
    from yankao.petitions.services import mailbox_drafts_purge

    with django_capture_on_commit_callbacks(execute=True):
        assert mailbox_drafts_purge(now=taipei(2026, 11, 27, 11)) == 1
    assert PetitionAttachment.objects.count() == 0
    assert not default_storage.exists(name)


def intake_data(**changes):
    data = {
        "channel": Channel.LETTER,
        "category": category("0103").pk,
        "subject": "路燈不亮",
        "content": "來函陳情路燈不亮。",
        "district": district("fengshan").pk,
        "address": "",
        "name": "王大同",
        "phone": "07-746-1234",
        "email": "",
        "postal_address": "高雄市鳳山區光復路二段 132 號",
    }
    data.update(changes)
    return data


def test_a_letter_is_registered_with_its_scan(client, staff):
    client.force_login(staff.amy)
    data = intake_data(attachments=[files.upload("scan.pdf", files.pdf())])
    response = client.post(reverse("petitions:intake"), data)
    assert response.status_code == 201
    petition = Petition.objects.get()
    attachment = petition.attachments.get()
    assert attachment.uploaded_by == staff.amy
    assert attachment.content_type == "application/pdf"
    assert petition.petitioner_address == "高雄市鳳山區光復路二段 132 號"


def test_the_intake_refuses_a_bad_scan_and_registers_nothing(client, staff):
    client.force_login(staff.amy)
    data = intake_data(attachments=[files.upload("scan.pdf", b"%PDF-1.4 cut short")])
    response = client.post(reverse("petitions:intake"), data)
    assert response.status_code == 400
    assert "不是完整的 PDF 文件" in response.content.decode()
    assert Petition.objects.count() == 0


def test_the_mailbox_still_checks_the_csrf_token_when_files_are_sent():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    data = mailbox_data(attachments=[files.upload("a.pdf", files.pdf())])
    assert strict.post(reverse("mailbox:write"), data).status_code == 403
    assert MailboxDraft.objects.count() == 0
