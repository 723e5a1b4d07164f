from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "yankao.dispatch"
    label = "dispatch"
    verbose_name = _("Dispatch tickets")

    def ready(self) -> None:
        from yankao.dispatch.kinds import TICKET
        from yankao.tracking.kinds import register

        register(TICKET)
