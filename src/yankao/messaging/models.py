"""The outbox: every outbound message (e-mail, SMS, webhook) is a row here first.

A row is written in the same transaction as the change that causes it, and
delivered after commit by a background worker; see README.md for the guarantees.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yankao.core import models as core_models
from yankao.core.masking import mask_email, mask_phone


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Webhook")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Dead")


# Statuses a delivery attempt may start from (besides a "sending" row whose lease ran out).
RETRYABLE = (Status.PENDING, Status.FAILED)


class OutboxMessage(models.Model):
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.EMAIL
    )
    to = models.JSONField(
        _("recipients"), default=list, help_text=_("E-mail addresses, phone numbers or a URL.")
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    dedupe_key = models.CharField(
        _("deduplication key"), max_length=200, null=True, blank=True, unique=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # A loose reference to what caused the message, for display only: the outbox
    # must not depend on the apps that use it.
    ref_type = models.CharField(_("reference type"), max_length=50, blank=True)
    ref_id = models.CharField(_("reference"), max_length=64, blank=True)
    # A private code or confirmation link the body carries (messaging.secrets): the
    # body shows a mask in its place, and the secret waits here, sealed, until the
    # message is sent or dead; then it is erased (docs/adr/0021).
    secret_sealed = models.TextField(_("sealed secret"), blank=True)
    secret_erased_at = models.DateTimeField(_("secret erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["ref_type", "ref_id"], name="outbox_ref_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="outbox_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="outbox_channel_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SENT) | Q(sent_at__isnull=False),
                name="outbox_sent_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        # Shown in the admin's titles, history and logs: recipients masked.
        return f"#{self.pk} {self.get_channel_display()} → {', '.join(self.masked_recipients)}"

    @property
    def recipients(self) -> list[str]:
        return [str(address) for address in self.to or []]

    @property
    def masked_recipients(self) -> list[str]:
        """Citizens' addresses and phone numbers masked (core.masking); a webhook's
        URL is the city's and shown whole."""
        if self.channel == Channel.SMS:
            return [mask_phone(address) for address in self.recipients]
        if self.channel == Channel.EMAIL:
            return [mask_email(address) for address in self.recipients]
        return self.recipients

    @property
    def message_id(self) -> str:
        """The stable Message-ID of this message: the same on every resend, so
        receivers can drop duplicates (see README.md)."""
        return f"<outbox-{self.pk}@{message_id_domain()}>"


def message_id_domain() -> str:
    return getattr(settings, "YANKAO_MESSAGE_ID_DOMAIN", "") or "yankao"


class MessageAccess(core_models.PersonalDataAccess):
    """One look at an outbound message in the admin: its recipients and its text
    are a citizen's personal data, looked at as on the staff pages."""

    message = models.ForeignKey(
        OutboxMessage, on_delete=models.PROTECT, related_name="accesses", verbose_name=_("message")
    )
    subject = "message"

    class Meta(core_models.PersonalDataAccess.Meta):
        verbose_name = _("look at an outbound message")
        verbose_name_plural = _("looks at outbound messages")
        indexes = [models.Index(fields=["message", "at"], name="message_access_at")]


class RecipientQuota(models.Model):
    """How many messages of one kind (a confirmation typed into a public form) went
    to one address in one clock hour (messaging.services.recipient_quota_take). The
    address is kept only as a keyed digest; rows of past hours are purged."""

    key = models.CharField(max_length=64)  # HMAC-SHA256 of the kind and the address
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "hour"], name="recipient_quota_once_per_hour")
        ]
        indexes = [models.Index(fields=["hour"], name="recipient_quota_hour")]

    def __str__(self) -> str:
        return f"{self.key[:12]} {self.hour:%Y-%m-%d %H}:00 {self.count}"
