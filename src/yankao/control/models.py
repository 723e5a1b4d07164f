"""Control and evaluation (管制考核): the mayor's directives, as tracked items.

This app is the model for every business: its own facts in its own table, a
one-to-one link to the engine's item, a kind registered in apps.py.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.tracking.models import TrackedItem


class Directive(models.Model):
    """A directive of the mayor (市長指示事項) assigned to an agency for follow-up."""

    item = models.OneToOneField(
        TrackedItem, on_delete=models.PROTECT, related_name="directive", primary_key=True
    )
    source = models.CharField(_("meeting or occasion"), max_length=200)
    instruction = models.TextField(_("instruction"))

    class Meta:
        verbose_name = _("mayor's directive")
        verbose_name_plural = _("mayor's directives")

    def __str__(self) -> str:
        return self.item.number
