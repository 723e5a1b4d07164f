"""The city's organisation: agencies (機關) as a tree, and units (科室) inside them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyLevel(models.TextChoices):
    CITY = "city", _("City government")
    BUREAU = "bureau", _("First-level agency")
    AGENCY = "agency", _("Second-level agency")
    DISTRICT = "district", _("District office")


class Agency(models.Model):
    """An agency of the city. `path` holds the keys from the root down, so that an
    agency's whole subtree is one indexed prefix query."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    code = models.CharField(
        _("official agency code"),
        max_length=10,
        blank=True,
        help_text=_("The ten-character official agency code, where known."),
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=AgencyLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=500, db_index=True, editable=False)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["sort_order", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="agency_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit (科室) inside an agency."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="unit_name_unique_in_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency.short_name} {self.name}"


class District(models.Model):
    """An administrative district (行政區) of the city, served by a district office."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=20, unique=True)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    office = models.ForeignKey(
        Agency,
        verbose_name=_("district office"),
        on_delete=models.PROTECT,
        related_name="districts",
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.name
