from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "yankao.hotline"
    label = "hotline"
    verbose_name = _("1999 call centre")
