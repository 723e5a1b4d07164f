from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "yankao.petitions"
    label = "petitions"
    verbose_name = _("Citizen petitions")

    def ready(self) -> None:
        from yankao.petitions.kinds import PETITION
        from yankao.petitions.reference_cache import connect_signals
        from yankao.petitions.search import PETITIONS
        from yankao.search import sources
        from yankao.tracking.kinds import register

        register(PETITION)
        sources.register(PETITIONS)
        connect_signals()
