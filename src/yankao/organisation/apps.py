from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "yankao.organisation"
    label = "organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from yankao.organisation.reference import connect_signals

        connect_signals()
