from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "yankao.demo"
    label = "demo"
    verbose_name = _("Demo city")

    def ready(self) -> None:
        from yankao.tracking.kinds import ItemKind, register

        # Items written in bulk by `yankao seed --items N`, to try the platform at scale.
        register(ItemKind(key="sample", label=_("Sample tracked item"), default_time_limit=6))
