"""Petitions' housekeeping, run by the scheduler (huey): nothing of a citizen's is
kept longer than it serves."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yankao.petitions.services import attachment_files_stray_purge, mailbox_drafts_purge


@db_periodic_task(crontab(minute="23"))
def purge_mailbox_drafts() -> int:
    """Unconfirmed mailbox drafts (with their files) once their 24-hour link expired."""
    return mailbox_drafts_purge()


@db_periodic_task(crontab(minute="41", hour="3"))
def purge_stray_attachment_files() -> int:
    """Files no attachment names (a rolled-back upload), once a day."""
    return attachment_files_stray_purge()
