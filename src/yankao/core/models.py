import secrets
from pathlib import PurePath
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Sequence(models.Model):
    """A named counter for readable numbers (e.g. one per kind and year).
    Taken with a row lock, so concurrent intake never hands out a number twice."""

    key = models.CharField(max_length=60, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class IdempotencyKey(models.Model):
    """A request an API client marked with an `Idempotency-Key`, and the response
    it got, so that resending it replays the response instead of repeating the work.
    Rows are written in the transaction that does the work; older than a day they
    may be purged (see core/idempotency.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    # Empty only while the request is being processed, inside its transaction.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    # The body's fields kept sealed (core.sealing): a secret is never stored in clear.
    sealed_fields = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user"),
            models.CheckConstraint(
                condition=Q(status_code__isnull=True)
                | Q(status_code__gte=100, status_code__lte=599),
                name="idempotency_status_code_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class PersonalDataAccess(models.Model):
    """One look at a citizen's personal data unmasked (個資法施行細則 §12): who, when,
    where in the platform and why. Each business keeps its own log, a table with a
    key to what was looked at (named by `subject`); they share these fields."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    reason = models.CharField(_("reason"), max_length=300)
    where = models.CharField(_("where"), max_length=40)

    subject: ClassVar[str] = ""  # the foreign key to what was looked at

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        looked_at = getattr(self, f"{self.subject}_id", "")
        return f"{self.user_id} {looked_at} {self.at:%Y-%m-%d %H:%M}"


def random_file_name(folder: str, filename: str) -> str:
    """A random name under MEDIA_ROOT/<folder>: the sender's file name never reaches
    the disk (it is kept in the row), only its suffix."""
    return f"{folder}/{secrets.token_hex(2)}/{secrets.token_hex(16)}{PurePath(filename).suffix}"


class StoredFile(models.Model):
    """What every business keeps of a checked upload (core.uploads.check_file): the
    sender's name for it, its type, size and digest, and who sent it when. Each
    business adds the `file` field (with its own folder) and its own keys."""

    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    file: models.FileField

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class WorkerHeartbeat(models.Model):
    """The last moment a background worker ran its heartbeat task: the readiness
    check (core/readiness.py) reads it. A table rather than the cache, because the
    embedded default's cache is per process and the worker is another process."""

    name = models.CharField(max_length=40, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
