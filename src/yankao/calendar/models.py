"""The official office calendar: one row per date."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DaySource(models.TextChoices):
    OFFICIAL = "official", _("Official calendar file")
    DECLARED = "declared", _("Declared day off")
    GENERATED = "generated", _("Generated (provisional)")


class CalendarDay(models.Model):
    """A date of the office calendar: a working day or a day off, with its note."""

    date = models.DateField(_("date"), primary_key=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=50, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=DaySource.choices, default=DaySource.OFFICIAL
    )
    # What the day was before a day off was declared, so the declaration can be undone.
    previous_note = models.CharField(_("note before the declaration"), max_length=50, blank=True)
    previous_source = models.CharField(
        _("source before the declaration"), max_length=16, choices=DaySource.choices, blank=True
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        kind = "working day" if self.is_working_day else "day off"
        return f"{self.date.isoformat()} {kind}{f' ({self.note})' if self.note else ''}"


class CalendarVersion(models.Model):
    """A single row whose number goes up on every change of the calendar.

    Processes keep the calendar in memory and compare this number now and then
    to notice changes made by another process.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar version")
        verbose_name_plural = _("calendar versions")

    def __str__(self) -> str:
        return f"calendar version {self.version}"
