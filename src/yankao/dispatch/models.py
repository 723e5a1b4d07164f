"""Dispatch tickets (派工通報): hazards a citizen reports that need someone on site
now (a pothole, a fallen tree, a flooded underpass), sent to the responsible
agency the moment they are registered and tracked in clock hours.

The ticket keeps its own facts next to the engine's tracked item (kind "ticket",
clock = hours); the class sets the agency and the report-back limit.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yankao.core import models as core_models
from yankao.tracking.models import TrackedItem


class TicketClass(models.Model):
    """A class of hazard (e.g. 105 路樹傾倒), the agency that answers it and its
    report-back limit in clock hours (round the clock, holidays included)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    group = models.CharField(_("group"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    hours = models.PositiveSmallIntegerField(
        _("report-back limit in hours"),
        validators=[MinValueValidator(1), MaxValueValidator(72)],
    )
    agency_key = models.SlugField(
        _("responsible agency key"),
        max_length=60,
        help_text=_("The key of the responsible agency, as in the city's agency file."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("dispatch class")
        verbose_name_plural = _("dispatch classes")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=1, hours__lte=72), name="dispatch_class_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Channel(models.TextChoices):
    PHONE = "phone", _("1999 phone call")
    APP = "app", _("App")
    OPEN311 = "open311", _("Open311")
    STAFF = "staff", _("Staff")


class Ticket(models.Model):
    item = models.OneToOneField(
        TrackedItem, on_delete=models.PROTECT, related_name="ticket", primary_key=True
    )
    ticket_class = models.ForeignKey(
        TicketClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="tickets"
    )
    description = models.TextField(_("description"))
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address or place"), max_length=200, blank=True)
    reporter_name = models.CharField(_("reporter's name"), max_length=60, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=30, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # The reporter's own choice to have the ticket listed publicly (Open311's GET
    # requests); never inferred from the channel, nor set by staff or an API client.
    published = models.BooleanField(
        _("listed publicly at the reporter's choice"), default=False, db_default=False
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set by the report-back that says the hazard is dealt with; kept here so the
    # statistics are plain SQL over one column on every database.
    reported_back_at = models.DateTimeField(_("reported back at"), null=True, blank=True)
    hours_to_report = models.DecimalField(
        _("hours to report back"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("dispatch ticket")
        verbose_name_plural = _("dispatch tickets")
        constraints = [
            # Both coordinates or neither; the city's box is checked by the service
            # against settings.MAP_BOUNDS (another city, another box).
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="ticket_location_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(reported_back_at__isnull=True, hours_to_report__isnull=True)
                | Q(reported_back_at__isnull=False, hours_to_report__isnull=False),
                name="ticket_report_time_together",
            ),
        ]
        indexes = [
            models.Index(fields=["ticket_class", "reported_back_at"], name="ticket_class_report"),
            # Tickets not reported dealt with: the open ones (and the few withdrawn).
            # The dispatchers' list and the map start from it, a few hundred rows
            # however many tickets the years hold (partial, as ADR 0011 says why).
            models.Index(
                fields=["item"],
                name="ticket_unreported",
                condition=Q(reported_back_at__isnull=True),
            ),
            # Open311 lists one class's published tickets from it (partial: only they).
            models.Index(
                fields=["ticket_class", "item"],
                name="ticket_class_published",
                condition=Q(published=True),
            ),
        ]

    def __str__(self) -> str:
        return str(self.pk)

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ReportBack(models.Model):
    """What the agency says it did: a progress note, or that the hazard is dealt
    with (done), which closes the ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="report_backs")
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    status_text = models.TextField(_("what was done"))
    done = models.BooleanField(_("dealt with"), default=False)

    class Meta:
        verbose_name = _("report-back")
        verbose_name_plural = _("report-backs")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(done=True), name="report_back_done_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.at:%Y-%m-%d %H:%M}"


def _photo_path(instance: "TicketPhoto", filename: str) -> str:
    return core_models.random_file_name("dispatch", filename)


class TicketPhoto(core_models.StoredFile):
    """A checked picture (JPEG or PNG, re-encoded without metadata) of the hazard at
    intake, or of the site in a report-back."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="photos")
    report_back = models.ForeignKey(
        ReportBack, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=_photo_path, max_length=200)

    class Meta:
        verbose_name = _("ticket photo")
        verbose_name_plural = _("ticket photos")
        ordering = ["uploaded_at", "pk"]


class DispatchContact(models.Model):
    """How an agency's duty desk hears of a new ticket at once, besides the e-mail
    to its handlers: an SMS number and/or a webhook (e.g. the agency's own
    dispatch system)."""

    agency = models.OneToOneField(
        "organisation.Agency",
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="dispatch_contact",
    )
    duty_phone = models.CharField(_("duty mobile number for SMS"), max_length=30, blank=True)
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    duty_email = models.EmailField(_("duty e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency dispatch contact")
        verbose_name_plural = _("agency dispatch contacts")

    def __str__(self) -> str:
        return str(self.agency_id)


class TicketPersonalDataAccess(core_models.PersonalDataAccess):
    """One look at a reporter's unmasked name or phone."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="personal_data_accesses"
    )
    subject = "ticket"

    class Meta(core_models.PersonalDataAccess.Meta):
        verbose_name = _("reporter data access")
        verbose_name_plural = _("reporter data accesses")
