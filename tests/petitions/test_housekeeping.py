"""Scheduled housekeeping: expired mailbox drafts and files nothing refers to are
removed, and nothing a petition still names is touched."""

import os
import time
from datetime import timedelta

import pytest

from tests.petitions.factories import THURSDAY, petition
from tests.petitions.files import png, upload
from yankao.core import clock
from yankao.core.uploads import check_file
from yankao.petitions import tasks
from yankao.petitions.models import MailboxDraft, PetitionAttachment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def age(path, days):
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_stray_files_older_than_a_day_go_and_attached_ones_stay(media):
    registered = petition(attachments=[check_file(upload("lamp.png", png(), "image/png"))])
    kept = media / PetitionAttachment.objects.get(petition=registered.petition).file.name
    stray_old = media / "petitions" / "ab12" / "left-behind.jpg"
    stray_new = media / "petitions" / "ab12" / "being-written.jpg"
    stray_old.parent.mkdir(parents=True, exist_ok=True)
    stray_old.write_bytes(b"x")
    stray_new.write_bytes(b"y")
    for path in (kept, stray_old):
        age(path, 2)
    assert tasks.purge_stray_attachment_files.call_local() == 1
    assert kept.exists() and stray_new.exists() and not stray_old.exists()


def test_expired_unconfirmed_drafts_are_purged_on_schedule():
    with clock.frozen(THURSDAY):
        MailboxDraft.objects.create(
            data={"subject": "x"}, email="a@example.com", nonce="n1", created_at=THURSDAY
        )
        MailboxDraft.objects.create(
            data={"subject": "y"},
            email="b@example.com",
            nonce="n2",
            created_at=THURSDAY + timedelta(hours=20),
        )
    with clock.frozen(THURSDAY + timedelta(hours=25)):
        assert tasks.purge_mailbox_drafts.call_local() == 1
    assert list(MailboxDraft.objects.values_list("email", flat=True)) == ["b@example.com"]
