from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlConfig(AppConfig):
    name = "yankao.control"
    label = "control"
    verbose_name = _("Control and evaluation")

    def ready(self) -> None:
        from yankao.control.kinds import DIRECTIVE, MILESTONE
        from yankao.tracking.kinds import register

        register(DIRECTIVE)
        register(MILESTONE)
