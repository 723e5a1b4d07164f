from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

# django-leaflet's admin module needs GeoDjango (GDAL), which the platform does not
# use: points are plain latitude/longitude columns. Its maps, template tags and
# static files work without it, so its admin is not discovered. Nor are
# django-otp's: they would show each authenticator's secret key as a QR code to
# administrators, and route ids past the platform's id converter; the staff
# account's admin page turns a second factor off instead (docs/adr/0020).
ADMIN_NOT_DISCOVERED = frozenset(
    {"leaflet", "django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"}
)


def discover_admin_modules() -> None:
    """What django.contrib.admin's autodiscovery does, minus ADMIN_NOT_DISCOVERED
    (settings install the admin as SimpleAdminConfig, which skips autodiscovery)."""
    for config in apps.get_app_configs():
        if config.name in ADMIN_NOT_DISCOVERED:
            continue
        if module_has_submodule(config.module, "admin"):
            import_module(f"{config.name}.admin")


class CoreConfig(AppConfig):
    name = "yankao.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core import checks as django_checks

        from yankao.core import checks, converters

        converters.register()  # before any URLconf is read: every app's routes use `<id:…>`
        discover_admin_modules()
        django_checks.register(checks.shared_cache_check, *checks.TAGS)
