"""Attachments are served only through the petition's scope, always as downloads."""

import pytest
from django.urls import reverse

from tests.petitions import files
from tests.petitions.factories import petition
from yankao.core.uploads import check_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def with_photo(**fields):
    checked = check_file(files.upload("路燈.png", files.png()))
    registered = petition(attachments=[checked], **fields)
    return registered.petition, registered.petition.attachments.get()


def url(case, attachment):
    return reverse("petitions:attachment", args=[case.pk, attachment.pk])


def test_a_handler_of_the_responsible_agency_downloads_the_file(client, staff):
    case, attachment = with_photo()
    client.force_login(staff.holly)
    response = client.get(url(case, attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_the_download_is_the_stored_file(client, staff):
    case, attachment = with_photo()
    client.force_login(staff.holly)
    body = b"".join(client.get(url(case, attachment)).streaming_content)
    assert body.startswith(b"\x89PNG")
    assert len(body) == attachment.size


def test_the_petition_page_links_the_attachment(client, staff):
    case, attachment = with_photo()
    client.force_login(staff.holly)
    html = client.get(reverse("petitions:petition", args=[case.pk])).content.decode()
    assert url(case, attachment) in html
    assert "路燈.png" in html


def test_a_handler_of_another_agency_gets_a_404(client, staff):
    case, attachment = with_photo()
    client.force_login(staff.dora)
    assert client.get(url(case, attachment)).status_code == 404


def test_an_attachment_asked_for_under_another_petition_is_a_404(client, staff):
    _case, attachment = with_photo()
    other = petition().petition
    client.force_login(staff.holly)
    assert client.get(url(other, attachment)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    case, attachment = with_photo()
    response = client.get(url(case, attachment))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_draft_file_is_never_served(client, staff):
    from yankao.petitions.models import MailboxDraft, PetitionAttachment
    from yankao.petitions.services import mailbox_submit

    case, _attachment = with_photo()
    mailbox_submit(
        data={"subject": "x"},
        email="a@example.com",
        attachments=[check_file(files.upload("d.pdf", files.pdf()))],
    )
    draft_file = PetitionAttachment.objects.get(draft=MailboxDraft.objects.get())
    client.force_login(staff.amy)
    assert client.get(url(case, draft_file)).status_code == 404


def test_a_file_missing_from_the_disk_is_a_404_not_an_error(client, staff):
    from django.core.files.storage import default_storage

    case, attachment = with_photo()
    default_storage.delete(attachment.file.name)
    client.force_login(staff.holly)
    assert client.get(url(case, attachment)).status_code == 404


def test_opening_an_attachment_is_logged_as_a_look_at_personal_data(client, staff):
    from yankao.petitions.models import PersonalDataAccess

    case, attachment = with_photo()
    client.force_login(staff.holly)
    client.get(url(case, attachment))
    access = PersonalDataAccess.objects.get(petition=case)
    assert (access.user, access.where) == (staff.holly, "attachment")


def test_the_commission_sees_the_petition_but_not_its_scans(client, staff):
    from yankao.petitions.models import PersonalDataAccess

    case, attachment = with_photo()
    client.force_login(staff.connie)
    assert client.get(url(case, attachment)).status_code == 403
    assert not PersonalDataAccess.objects.exists()
