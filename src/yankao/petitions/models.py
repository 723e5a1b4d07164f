"""Citizen petitions (人民陳情): the city's category taxonomy, the routing rules that
give each petition its responsible agency, the petition itself (its own facts next
to the engine's tracked item), drafts from the web mailbox awaiting the e-mail
confirmation, the files attached to either, the petitioner's rating of the reply,
the reply templates, and the log of every look at a petitioner's personal data."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from yankao.core import models as core_models
from yankao.tracking.models import TrackedItem

DEFAULT_TIME_LIMIT_DAYS = 6


class Category(models.Model):
    """A petition category: a main item (主項, e.g. 01 工務) or a sub-item (子項,
    e.g. 0103 路燈) under one."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("main category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit in working days"), default=DEFAULT_TIME_LIMIT_DAYS
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("petition category")
        verbose_name_plural = _("petition categories")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_limit_days__gt=0), name="petition_category_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RoutingRule(models.Model):
    """Which agency handles a category, optionally only in one district (e.g. 05
    民政區政 in 鳳山區 → the Fengshan district office)."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="rules"
    )
    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    agency = models.ForeignKey(
        "organisation.Agency",
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "district"], name="petition_rule_once_per_district"
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(district__isnull=True),
                name="petition_rule_once_citywide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}/{self.district_id or '*'} → {self.agency_id}"


class AgencyPetitionSettings(models.Model):
    """Per-agency rules for petitions; an agency without a row uses the defaults."""

    agency = models.OneToOneField(
        "organisation.Agency",
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="petition_settings",
    )
    reply_needs_approval = models.BooleanField(
        _("replies need the supervisor's approval"), default=False
    )

    class Meta:
        verbose_name = _("agency petition settings")
        verbose_name_plural = _("agency petition settings")

    def __str__(self) -> str:
        return str(self.agency_id)


class Channel(models.TextChoices):
    COUNTER = "counter", _("Counter")
    PHONE = "phone", _("Phone (1999)")
    WEB = "web", _("Mayor's mailbox (web)")
    LETTER = "letter", _("Letter")
    FAX = "fax", _("Fax")
    APP = "app", _("App / API")


class Disposition(models.TextChoices):
    """How the petition is dealt with: normally, or one of the cases that may be left
    unhandled but must still be registered (要點 第14點)."""

    NORMAL = "normal", _("Handled normally")
    NO_CONTENT = "no_content", _("No concrete content")
    NO_IDENTITY = "no_identity", _("No real name or contact")
    REPEAT = "repeat", _("Same matter already answered")
    NOT_COMPETENT = "not_competent", _("Not competent (sent to several agencies)")
    MERGED = "merged", _("Merged into another case (併案處理)")


class Petition(models.Model):
    item = models.OneToOneField(
        TrackedItem, on_delete=models.PROTECT, related_name="petition", primary_key=True
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="petitions"
    )
    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    address = models.CharField(_("address or place"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    # Personal data: masked on every page unless a permitted user asks, and logged.
    petitioner_name = models.CharField(_("petitioner's name"), max_length=60, blank=True)
    petitioner_email = models.EmailField(_("petitioner's e-mail"), blank=True)
    petitioner_phone = models.CharField(_("petitioner's phone"), max_length=30, blank=True)
    # For a reply by post (a printed letter) to a petitioner without e-mail.
    petitioner_address = models.CharField(
        _("petitioner's postal address"), max_length=200, blank=True
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    language = models.CharField(_("language"), max_length=10, default="zh-hant")
    disposition = models.CharField(
        _("disposition"), max_length=16, choices=Disposition.choices, default=Disposition.NORMAL
    )
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("earlier petition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
        db_index=False,  # a partial index below: most petitions have none
    )
    # Another citizen's petition on the same matter, handled and answered in one case.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        db_index=False,  # a partial index below: most petitions have none
    )
    # Petitions the handler marked as about the same or a connected matter.
    related = models.ManyToManyField("self", verbose_name=_("related petitions"), blank=True)
    verification_hash = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The item's receipt time, which never changes, kept here too so that look-ups
    # by category, district and time (possible duplicates) read one index.
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="petition_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(disposition__in=Disposition.values), name="petition_disposition_valid"
            ),
            models.CheckConstraint(
                condition=Q(disposition=Disposition.REPEAT) | Q(repeat_of__isnull=True),
                name="petition_repeat_link_only_for_repeats",
            ),
            models.CheckConstraint(
                condition=Q(disposition=Disposition.MERGED) | Q(merged_into__isnull=True),
                name="petition_merge_link_only_for_merged",
            ),
        ]
        indexes = [
            # Possible duplicates: a matter's petitions in a district, by receipt time.
            # With the key in it, their keys are read from the index alone.
            models.Index(
                fields=["category", "district", "received_at", "item"],
                name="petition_category_time",
            ),
            # One channel's petitions of a category, newest first (Open311's list of
            # one service: the app channel's petitions of its category).
            models.Index(
                fields=["category", "channel", "received_at", "item"],
                name="petition_channel_time",
            ),
            # Repeats: the same petitioner, found by e-mail (any case) or phone.
            models.Index(Lower("petitioner_email"), name="petition_email"),
            models.Index(fields=["petitioner_phone"], name="petition_phone"),
            # Almost every petition links to none: partial indexes stay small, and the
            # planner's statistics do not mistake the column for useless.
            models.Index(
                fields=["merged_into"],
                name="petition_merged_into",
                condition=Q(merged_into__isnull=False),
            ),
            models.Index(
                fields=["repeat_of"],
                name="petition_repeat_of",
                condition=Q(repeat_of__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.item.number


class MailboxDraft(models.Model):
    """A web-mailbox submission waiting for its sender to click the e-mail link.
    It becomes a petition only then; unconfirmed drafts expire after a day."""

    data = models.JSONField()
    email = models.EmailField()
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField()
    petition = models.OneToOneField(
        Petition, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("mailbox draft")
        verbose_name_plural = _("mailbox drafts")

    def __str__(self) -> str:
        return f"draft {self.pk}"


class IntakeState(models.TextChoices):
    QUEUED = "queued", _("queued")
    REGISTERED = "registered", _("registered")
    FAILED = "failed", _("failed")


class PetitionIntake(models.Model):
    """A petition received through the API with `Prefer: respond-async`: its case
    number is given at once, and a worker registers it (routing, deadline, tracked
    item, notices) moments later. The row is the petition until then, so nothing
    accepted is lost: a lost wake-up is caught by the minute sweep, and an intake
    that cannot be registered stays here, failed, with the reason, for the
    commission to correct and retry."""

    number = models.CharField(_("case number"), max_length=40, unique=True)
    received_at = models.DateTimeField(_("received at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The API's validated fields, by code and key (see petitions.intake).
    data = models.JSONField()
    # The petitioner's code, sealed (core.sealing), kept only until the registration
    # notice is written.
    code = models.CharField(max_length=200, blank=True)
    verification_hash = models.CharField(max_length=200)
    state = models.CharField(
        _("state"), max_length=12, choices=IntakeState.choices, default=IntakeState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    petition = models.OneToOneField(
        Petition, null=True, blank=True, on_delete=models.SET_NULL, related_name="intake"
    )

    class Meta:
        verbose_name = _("queued petition")
        verbose_name_plural = _("queued petitions")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=IntakeState.values), name="petition_intake_state_valid"
            ),
        ]
        indexes = [
            # The worker's queue: only the few rows still waiting.
            models.Index(fields=["id"], name="petition_intake_queued", condition=Q(state="queued")),
        ]

    def __str__(self) -> str:
        return self.number


class PersonalDataAccess(core_models.PersonalDataAccess):
    """One look at a petitioner's unmasked personal data."""

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="personal_data_accesses"
    )
    subject = "petition"

    class Meta(core_models.PersonalDataAccess.Meta):
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [models.Index(fields=["petition", "at"], name="pd_access_petition_at")]


def _attachment_path(instance: "PetitionAttachment", filename: str) -> str:
    return core_models.random_file_name("petitions", filename)


class PetitionAttachment(core_models.StoredFile):
    """A checked file (JPEG, PNG or PDF) attached to a petition, or to a mailbox draft
    until its sender confirms it. Images are stored re-encoded, without metadata."""

    petition = models.ForeignKey(
        Petition,
        verbose_name=_("petition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    draft = models.ForeignKey(
        MailboxDraft,
        verbose_name=_("mailbox draft"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)

    class Meta:
        verbose_name = _("petition attachment")
        verbose_name_plural = _("petition attachments")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(petition__isnull=True) ^ Q(draft__isnull=True),
                name="petition_attachment_on_petition_or_draft",
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "image/png", "application/pdf"]),
                name="petition_attachment_type_allowed",
            ),
        ]


class PetitionRating(models.Model):
    """The petitioner's rating (1–5) of how the closed petition was handled; once."""

    petition = models.OneToOneField(
        Petition, verbose_name=_("petition"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("petition rating")
        verbose_name_plural = _("petition ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="petition_rating_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.score}"


class ReplyTemplate(models.Model):
    """A model reply for a category (or for every category, when it has none). The
    body may hold placeholders, filled in from the petition when it is used."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reply_templates",
        help_text=_("Leave empty for a template offered in every category."),
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Placeholders: {案號} the case number, {承辦機關} the responsible agency, "
            "{主旨} the subject, {收件日期} the date of receipt."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title
