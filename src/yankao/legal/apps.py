from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "yankao.legal"
    label = "legal"
    verbose_name = _("Free legal consultations")

    def ready(self) -> None:
        # The calendar announces a day declared off (a typhoon day), after commit; the
        # sessions of that day are cancelled in a task, and their citizens told.
        from yankao.calendar.services import calendar_day_changed

        calendar_day_changed.connect(_queue_day_off, dispatch_uid="legal-day-off")


def _queue_day_off(sender: Any, day: Any, is_working_day: bool, **kwargs: Any) -> None:
    if is_working_day:
        return
    from yankao.legal.tasks import cancel_sessions_of_day_off

    cancel_sessions_of_day_off(day.isoformat())
