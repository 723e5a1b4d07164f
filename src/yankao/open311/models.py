"""Open311 GeoReport v2: the client applications that hold API keys, and the
requests they sent (each one a petition or a dispatch ticket on the tracking
engine; this table keeps only what Open311 adds: who sent it, its service code,
its token)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yankao.tracking.models import TrackedItem

DEFAULT_RATE_PER_MINUTE = 60


class ApiClient(models.Model):
    """An application allowed to post requests (the city app, a third party). Its
    API key is shown once, when issued; only a SHA-256 digest is stored. Each
    client acts through its own system account, so the items' history names it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("key prefix"), max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("system account"),
        on_delete=models.PROTECT,
        related_name="open311_client",
    )
    rate_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=DEFAULT_RATE_PER_MINUTE
    )
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_per_minute__gt=0), name="open311_client_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ServiceRequest(models.Model):
    """A request received through Open311: the tracked item it became, the client
    that sent it, the service code it was sent under, and its token."""

    item = models.OneToOneField(
        TrackedItem, on_delete=models.PROTECT, related_name="open311_request", primary_key=True
    )
    client = models.ForeignKey(
        ApiClient, verbose_name=_("client"), on_delete=models.PROTECT, related_name="requests"
    )
    service_code = models.CharField(_("service code"), max_length=40)
    token = models.CharField(_("token"), max_length=40, unique=True)
    device_id = models.CharField(_("device"), max_length=100, blank=True)
    account_id = models.CharField(_("account at the client"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return f"{self.service_code} {self.token}"
