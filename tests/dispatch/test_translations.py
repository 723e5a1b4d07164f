"""The dispatch pages speak Traditional Chinese by default, and the app's catalogue
has a translation for every message."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.urls import reverse

import yankao.dispatch

CATALOGUE = Path(yankao.dispatch.__file__).parent / "locale/zh_Hant/LC_MESSAGES/django.po"


def test_every_message_has_a_translation():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    untranslated = [
        m.id
        for m in catalogue
        if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    assert untranslated == []
    assert len(catalogue) > 150


@pytest.mark.django_db
def test_the_pages_are_in_chinese(client, staff):
    client.force_login(staff.amy)
    body = client.get(reverse("dispatch:list"), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "派工案件" in body
    new = client.get(reverse("dispatch:new"), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "登錄並通知權責機關" in new
    assert "路樹傾倒（4 小時）" in new
