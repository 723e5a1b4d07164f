"""The folder backend: each e-mail becomes an .eml file any mail program opens."""

import email
from email import policy
from email.message import EmailMessage as ParsedMessage
from pathlib import Path

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives
from pytest_django import Settings

from tests.messaging.factories import make_message
from yankao.messaging.email_folder import EmailFolderBackend, eml_filename, safe_slug
from yankao.messaging.models import Status
from yankao.messaging.services import outbox_deliver

CHINESE_SUBJECT = "案件 A-1 已逾期,請儘速回覆"


def parse(path: Path) -> ParsedMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(parsed, ParsedMessage)
    return parsed


def test_the_folder_backend_writes_an_eml_whose_chinese_subject_decodes_back(
    tmp_path: Path,
) -> None:
    message = EmailMultiAlternatives(
        subject=CHINESE_SUBJECT,
        body="高雄市政府研考會通知:請於三日內回覆。",
        from_email="研考會 <no-reply@rdec.kcg.gov.tw>",
        to=["王小明 <ming@example.org>"],
        headers={"Message-ID": "<outbox-7@yankao>"},
    )
    message.attach_alternative("<p>請於三日內回覆。</p>", "text/html")

    assert EmailFolderBackend(folder=tmp_path).send_messages([message]) == 1

    [path] = tmp_path.glob("*.eml")
    raw = path.read_bytes()
    assert CHINESE_SUBJECT.encode() not in raw  # headers are encoded, not raw UTF-8
    parsed = parse(path)
    assert parsed["Subject"] == CHINESE_SUBJECT
    assert parsed["Message-ID"] == "<outbox-7@yankao>"
    assert parsed["To"].addresses[0].display_name == "王小明"
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert text is not None and "請於三日內回覆" in text.get_content()
    assert html is not None and "<p>請於三日內回覆。</p>" in html.get_content()


def test_the_folder_is_created_when_missing(tmp_path: Path) -> None:
    folder = tmp_path / "var" / "mail"
    message = EmailMessage("Hello", "Body", "a@example.org", ["b@example.org"])

    EmailFolderBackend(folder=folder).send_messages([message])

    assert len(list(folder.glob("*.eml"))) == 1


def test_each_message_gets_its_own_file_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    messages = [
        EmailMessage(f"Hello {n}", "Body", "a@example.org", ["b@example.org"]) for n in range(3)
    ]

    assert EmailFolderBackend(folder=tmp_path).send_messages(messages) == 3

    assert len(list(tmp_path.glob("*.eml"))) == 3
    assert [p for p in tmp_path.iterdir() if p.suffix != ".eml"] == []


def test_a_message_without_recipients_is_not_written(tmp_path: Path) -> None:
    message = EmailMessage("Hello", "Body", "a@example.org", [])

    assert EmailFolderBackend(folder=tmp_path).send_messages([message]) == 0
    assert list(tmp_path.iterdir()) == []


def test_a_write_error_is_raised_unless_the_caller_asked_for_silence(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    message = EmailMessage("Hello", "Body", "a@example.org", ["b@example.org"])

    with pytest.raises(OSError):
        EmailFolderBackend(folder=blocker).send_messages([message])
    assert EmailFolderBackend(folder=blocker, fail_silently=True).send_messages([message]) == 0


def test_the_file_name_is_a_timestamp_and_a_safe_form_of_the_message_id() -> None:
    name = eml_filename("<outbox-12@yankao/../../etc>")

    assert name.endswith("-outbox-12-yankao-..-..-etc.eml")
    assert "/" not in name
    assert name[:8].isdigit()
    assert safe_slug("<>") == "message"


@pytest.mark.django_db
def test_an_outbox_e_mail_lands_in_the_folder_with_its_stable_message_id(
    settings: Settings, tmp_path: Path
) -> None:
    settings.EMAIL_BACKEND = "yankao.messaging.email_folder.EmailFolderBackend"
    settings.EMAIL_FOLDER = tmp_path / "mail"
    message = make_message(subject=CHINESE_SUBJECT)

    assert outbox_deliver(message.pk) == Status.SENT

    [path] = (tmp_path / "mail").glob("*.eml")
    assert f"outbox-{message.pk}-yankao" in path.name
    parsed = parse(path)
    assert parsed["Message-ID"] == f"<outbox-{message.pk}@yankao>"
    assert parsed["Subject"] == CHINESE_SUBJECT
