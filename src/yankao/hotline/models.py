"""The 1999 call centre's call log (話務紀錄): one row per call an agent takes.

A call is not a tracked item: it is over when the agent hangs up. What it may leave
behind (a petition, a dispatch ticket) is one, and the call links to it.

`day` and `hour` repeat `started_at` in Asia/Taipei time. They are written once, by
the service that records the call, so that the statistics group whole integers on
an index, identically on SQLite and PostgreSQL, with no time-zone arithmetic in SQL
(docs/adr/0009-call-centre.md).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yankao.core import models as core_models

MAX_DURATION_SECONDS = 6 * 60 * 60  # no call lasts six hours; a longer one is an error


class Language(models.TextChoices):
    MANDARIN = "cmn", _("Mandarin (國語)")
    TAIWANESE = "nan", _("Taiwanese (台語)")
    HAKKA = "hak", _("Hakka (客語)")
    ENGLISH = "en", _("English")
    OTHER = "other", _("Other language")


class Outcome(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Answered from the knowledge base")
    PETITION = "petition", _("Petition registered")
    TICKET = "ticket", _("Dispatch ticket raised")
    TRANSFER = "transfer", _("Transferred to an agency line")
    OTHER = "other", _("Other")


class Call(models.Model):
    """A call answered by a 1999 agent."""

    started_at = models.DateTimeField(_("started at"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"))
    day = models.DateField(_("day (Taipei)"), editable=False)
    hour = models.PositiveSmallIntegerField(_("hour of day (Taipei)"), editable=False)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="calls",
    )
    caller_number = models.CharField(_("caller's number"), max_length=30, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.MANDARIN
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    # The knowledge base is another app; the call keeps the article's number and its
    # question as answered, so the log reads the same after the article is edited.
    article_id = models.PositiveIntegerField(_("knowledge article"), null=True, blank=True)
    article_question = models.CharField(_("question answered"), max_length=300, blank=True)
    item = models.ForeignKey(
        "tracking.TrackedItem",
        verbose_name=_("petition or ticket raised"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
    )
    transferred_to = models.ForeignKey(
        "organisation.Agency",
        verbose_name=_("transferred to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The telephony system's own id of the call (or the console's), so a record sent
    # twice is recorded once.
    source_id = models.CharField(_("source id"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at", "-pk"]
        indexes = [
            # Every statistic filters a range of days and groups by these: the index
            # covers the queries, so they never read the table, and its order lets
            # the (day, outcome, language) groups stream without a sort.
            models.Index(
                fields=["day", "outcome", "language", "hour", "duration_seconds"],
                name="call_statistics",
            ),
            models.Index(fields=["started_at"], name="call_started"),
            models.Index(fields=["agent", "started_at"], name="call_agent_started"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hour__gte=0, hour__lte=23), name="call_hour_of_day"),
            models.CheckConstraint(
                condition=Q(duration_seconds__lte=MAX_DURATION_SECONDS),
                name="call_duration_bounded",
            ),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="call_outcome"),
            models.CheckConstraint(condition=Q(language__in=Language.values), name="call_language"),
            models.CheckConstraint(
                condition=Q(outcome=Outcome.TRANSFER, transferred_to__isnull=False)
                | Q(~Q(outcome=Outcome.TRANSFER), transferred_to__isnull=True),
                name="call_transfer_names_agency",
            ),
            models.CheckConstraint(
                condition=Q(item__isnull=True) | Q(outcome__in=[Outcome.PETITION, Outcome.TICKET]),
                name="call_item_only_when_raised",
            ),
            models.UniqueConstraint(
                fields=["source_id"], condition=~Q(source_id=""), name="call_source_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.agent_id} {self.outcome}"

    @property
    def ended_at(self) -> datetime:
        return self.started_at + timedelta(seconds=self.duration_seconds)


class CallerNumberAccess(core_models.PersonalDataAccess):
    """One look at a caller's number unmasked."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="number_accesses")
    subject = "call"

    class Meta(core_models.PersonalDataAccess.Meta):
        verbose_name = _("caller number access")
        verbose_name_plural = _("caller number accesses")
        indexes = [models.Index(fields=["call", "at"], name="call_number_access_at")]
