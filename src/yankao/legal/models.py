"""Free legal consultations (法律諮詢): the venues where volunteer lawyers sit, the
lawyers on the bar association's rota, the sessions of the rota (each cut into
slots of the venue's length), the citizens' bookings of one slot each, and the log
of every look at a citizen's unmasked personal data.

A slot is not a row: a session has `slot_count` slots of `slot_minutes` from its
start, and a booking names its slot by number. Two active bookings can never hold
the same slot: a partial unique constraint on (session, slot) over the bookings
that are not cancelled (nor released for a walk-in) guards it in the database itself.

A booking made by a citizen waits for its confirmation code (ADR 0022): it holds its
slot only until `hold_until`, and a lapsed hold does not hold the slot even before a
task or the next booking of the slot writes it down as released."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yankao.core import models as core_models
from yankao.core.taipei import TAIPEI


class Venue(models.Model):
    """A place with free legal consultations: the commission's joint service centre
    or a district office. Data per city (`legal-venues.csv` in the city's data folder)."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    agency = models.ForeignKey(
        "organisation.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="legal_venues",
    )
    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_venues",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per slot"), default=30)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("consultation venue")
        verbose_name_plural = _("consultation venues")
        ordering = ["sort_order", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=10, slot_minutes__lte=120),
                name="legal_venue_slot_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Lawyer(models.Model):
    """A volunteer lawyer of the bar association's rota. Contact details are for
    staff only; citizens are never shown them."""

    name = models.CharField(_("name"), max_length=60)
    bar_association = models.CharField(_("bar association"), max_length=60, default="高雄律師公會")
    licence_number = models.CharField(_("licence number"), max_length=40, unique=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("volunteer lawyer")
        verbose_name_plural = _("volunteer lawyers")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class Session(models.Model):
    """A lawyer's sitting at a venue on one day, from `starts_at` to `ends_at`,
    cut into `slot_count` slots of `slot_minutes`. Several sessions at the same
    time at one venue sit at different desks."""

    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    desk = models.PositiveSmallIntegerField(_("desk"), default=1)
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per slot"))
    slot_count = models.PositiveSmallIntegerField(_("slots"))
    lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("lawyer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SessionStatus.choices,
        default=SessionStatus.SCHEDULED,
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consultation session")
        verbose_name_plural = _("consultation sessions")
        ordering = ["date", "starts_at", "venue__sort_order", "desk"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "date", "starts_at", "desk"], name="legal_session_once_per_desk"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="legal_session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(slot_count__gte=1), name="legal_session_has_a_slot"),
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="legal_session_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["date", "venue"], name="legal_session_date")]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.date} {self.starts_at:%H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    def slot_start(self, index: int) -> datetime:
        """The moment slot `index` (0-based) begins, in Asia/Taipei."""
        begin = datetime.combine(self.date, self.starts_at, tzinfo=TAIPEI)
        return begin + timedelta(minutes=self.slot_minutes * index)

    def slot_end(self, index: int) -> datetime:
        return self.slot_start(index) + timedelta(minutes=self.slot_minutes)


def slot_count_for(starts_at: time, ends_at: time, slot_minutes: int) -> int:
    """How many whole slots fit between the start and the end of a session."""
    day = date(2000, 1, 3)
    minutes = (datetime.combine(day, ends_at) - datetime.combine(day, starts_at)).seconds // 60
    return minutes // slot_minutes


class Topic(models.TextChoices):
    CIVIL = "civil", _("Civil")
    CRIMINAL = "criminal", _("Criminal")
    FAMILY = "family", _("Family")
    LABOUR = "labour", _("Labour")
    CONSUMER = "consumer", _("Consumer")
    LAND = "land", _("Land and real estate")
    OTHER = "other", _("Other")


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


# Confirmed bookings: they hold their slot (unless released for a walk-in).
ACTIVE_STATUSES = (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)
# Bookings still to come that count against the limits per contact and address
# (a pending one only while its hold lasts: see open_q).
OPEN_STATUSES = (BookingStatus.PENDING, BookingStatus.BOOKED)


def holding_q(now: datetime, prefix: str = "") -> Q:
    """The bookings that hold their slot at `now`: confirmed and not released, or
    awaiting confirmation with their hold still running. `prefix` reaches them
    through a relation ("bookings__")."""
    confirmed = Q(**{f"{prefix}status__in": ACTIVE_STATUSES, f"{prefix}released_at__isnull": True})
    waiting = Q(**{f"{prefix}status": BookingStatus.PENDING, f"{prefix}hold_until__gt": now})
    return confirmed | waiting


def open_q(now: datetime) -> Q:
    """Bookings still to come that are booked, or awaiting confirmation with their
    hold running: what the limits per phone, e-mail and address count."""
    today = now.astimezone(TAIPEI).date()
    waiting = Q(status=BookingStatus.PENDING, hold_until__gt=now)
    return (Q(status=BookingStatus.BOOKED) | waiting) & Q(session__date__gte=today)


class BookingChannel(models.TextChoices):
    WEB = "web", _("Web")
    PHONE = "phone", _("Phone")
    COUNTER = "counter", _("Counter")
    API = "api", _("App / API")


class CancelledBy(models.TextChoices):
    CITIZEN = "citizen", _("The citizen")
    STAFF = "staff", _("Staff")
    SESSION = "session", _("The session was cancelled")
    UNCONFIRMED = "unconfirmed", _("Not confirmed")


class ConfirmVia(models.TextChoices):
    """Where a booking's confirmation code was sent."""

    SMS = "sms", _("SMS to the phone")
    EMAIL = "email", _("E-mail")


class ReleaseReason(models.TextChoices):
    """Why a booking stopped holding its slot without the citizen cancelling it."""

    EXPIRED = "expired", _("Not confirmed in time")
    ATTEMPTS = "attempts", _("Too many wrong confirmation codes")
    DESK = "desk", _("Released by the desk: not confirmed")
    NO_SHOW = "no_show", _("Released by the desk: the citizen did not come")


class Advice(models.TextChoices):
    """The lawyer's short note of what the advice was, for the counts; never the
    content of the consultation."""

    EXPLAINED = "explained", _("Rights and procedure explained")
    MEDIATION = "mediation", _("Mediation suggested")
    LEGAL_AID = "legal_aid", _("Referred to legal aid")
    COURT = "court", _("Court action or defence discussed")
    AGENCY = "agency", _("Referred to a government agency")
    DOCUMENTS = "documents", _("Documents to prepare explained")
    OTHER = "other", _("Other")


class Booking(models.Model):
    """One citizen's booking of one slot of a session. The private code that lets
    the citizen see or cancel it is kept only as a keyed digest, and so is the
    one-time confirmation code sent to the citizen's phone or e-mail.

    Its history is in its own columns: booked, confirmed, cancelled (by whom),
    released (when, by whom, why) and the outcome."""

    number = models.CharField(_("booking number"), max_length=20, unique=True)
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="bookings"
    )
    slot = models.PositiveSmallIntegerField(_("slot"))
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    channel = models.CharField(_("channel"), max_length=10, choices=BookingChannel.choices)
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    question = models.TextField(_("question"))
    # Personal data: masked on every page unless a permitted user asks, and logged.
    citizen_name = models.CharField(_("name"), max_length=60)
    citizen_phone = models.CharField(_("phone"), max_length=30)
    citizen_email = models.EmailField(_("e-mail"), blank=True)
    # The phone's digits alone, for the limit of bookings per person.
    phone_digits = models.CharField(max_length=30, db_index=True)
    # The e-mail address in lower case without a "+tag", for the limit per address.
    email_key = models.CharField(max_length=254, blank=True, db_index=True)
    # A keyed digest of the network the booking came from (an IPv4 address or an
    # IPv6 /64), for the limit per address; never the address itself.
    address_digest = models.CharField(max_length=64, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hant")
    code_digest = models.CharField(max_length=64)
    consent_at = models.DateTimeField(_("consent given at"))
    booked_at = models.DateTimeField(_("booked at"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Confirmation: a citizen's booking is pending until the code sent to them is
    # typed back; the desk's bookings are confirmed when made.
    hold_until = models.DateTimeField(_("held unconfirmed until"), null=True, blank=True)
    confirm_via = models.CharField(
        _("confirmation code sent by"), max_length=8, choices=ConfirmVia.choices, blank=True
    )
    confirm_digest = models.CharField(max_length=64, blank=True)
    confirm_attempts = models.PositiveSmallIntegerField(_("wrong confirmation codes"), default=0)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    release_reason = models.CharField(
        _("reason for the release"), max_length=10, choices=ReleaseReason.choices, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.CharField(
        _("cancelled by"), max_length=12, choices=CancelledBy.choices, blank=True
    )
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("outcome recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    advice = models.CharField(_("advice"), max_length=12, choices=Advice.choices, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation booking")
        verbose_name_plural = _("consultation bookings")
        ordering = ["session", "slot", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "slot"],
                condition=~Q(status="cancelled") & Q(released_at__isnull=True),
                name="legal_booking_one_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(status__in=BookingStatus.values), name="legal_booking_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(topic__in=Topic.values), name="legal_booking_topic_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="legal_booking_cancelled_has_moment",
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(hold_until__isnull=False),
                name="legal_booking_pending_has_hold",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["booked", "attended", "no_show"])
                | Q(confirmed_at__isnull=False),
                name="legal_booking_held_is_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | ~Q(release_reason=""),
                name="legal_booking_release_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "reminded_at"], name="legal_booking_reminder"),
            models.Index(fields=["status", "hold_until"], name="legal_booking_hold"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def starts(self) -> datetime:
        return self.session.slot_start(self.slot)

    @property
    def ends(self) -> datetime:
        return self.session.slot_end(self.slot)

    def is_waiting(self, now: datetime) -> bool:
        """Awaiting its confirmation code, with the hold still running."""
        return (
            self.status == BookingStatus.PENDING
            and self.hold_until is not None
            and now < self.hold_until
        )

    def holds_slot(self, now: datetime) -> bool:
        """As `holding_q` decides in the database."""
        confirmed = self.status in ACTIVE_STATUSES and self.released_at is None
        return confirmed or self.is_waiting(now)

    def has_lapsed(self, now: datetime) -> bool:
        """Awaiting confirmation, but the hold has run out: the slot is free."""
        return self.status == BookingStatus.PENDING and not self.is_waiting(now)


class WaitlistEntry(models.Model):
    """A citizen waiting for a time at a venue on a day that is full. When a booking
    of that day is cancelled, everyone waiting is told (by e-mail, or by the desk on
    the phone) and the first to book gets the time: a waiting list holds no slot."""

    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="waitlist"
    )
    date = models.DateField(_("date"))
    citizen_name = models.CharField(_("name"), max_length=60)
    citizen_phone = models.CharField(_("phone"), max_length=30)
    citizen_email = models.EmailField(_("e-mail"), blank=True)
    phone_digits = models.CharField(max_length=30)
    language = models.CharField(_("language"), max_length=10, default="zh-hant")
    created_at = models.DateTimeField(_("created at"))
    notified_at = models.DateTimeField(_("told of a free time at"), null=True, blank=True)

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        ordering = ["date", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "date", "phone_digits"], name="legal_waitlist_once_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.date} #{self.pk}"


class PersonalDataAccess(core_models.PersonalDataAccess):
    """One look at citizens' unmasked personal data: a day sheet of a session shown
    unmasked, or one booking."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="personal_data_accesses"
    )
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bookings_shown = models.PositiveSmallIntegerField(_("bookings shown"), default=0)
    subject = "session"

    class Meta(core_models.PersonalDataAccess.Meta):
        verbose_name = _("personal data access (legal consultations)")
        verbose_name_plural = _("personal data accesses (legal consultations)")
