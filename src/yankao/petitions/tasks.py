"""Petitions' background work, run by huey: registering petitions the API queued,
and housekeeping, so that nothing of a citizen's is kept longer than it serves."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from yankao.petitions.intake import petition_intakes_register
from yankao.petitions.services import attachment_files_stray_purge, mailbox_drafts_purge


@db_task()
def register_petition_intake(intake_id: int) -> int:
    """Register a petition the API queued, as soon as its request committed, and
    any others waiting with it, in batches (a burst's later wake-ups find little
    or nothing left). Returns how many this task registered."""
    return petition_intakes_register(first=intake_id)


@db_periodic_task(crontab(minute="*"))
def register_queued_petitions() -> int:
    """Every minute: any queued petition whose wake-up was lost (queue down, worker
    restarted) is registered; failed ones wait for a retry from the admin."""
    return petition_intakes_register()


@db_periodic_task(crontab(minute="23"))
def purge_mailbox_drafts() -> int:
    """Unconfirmed mailbox drafts (with their files) once their 24-hour link expired."""
    return mailbox_drafts_purge()


@db_periodic_task(crontab(minute="41", hour="3"))
def purge_stray_attachment_files() -> int:
    """Files no attachment names (a rolled-back upload), once a day."""
    return attachment_files_stray_purge()
