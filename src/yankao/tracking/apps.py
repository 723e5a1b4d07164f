from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "yankao.tracking"
    label = "tracking"
    verbose_name = _("Tracking")

    def ready(self) -> None:
        # The calendar sits below the engine and cannot call it; it announces a
        # changed day (after commit) and the engine queues the deadline recalculation.
        from yankao.calendar.services import calendar_day_changed

        calendar_day_changed.connect(_queue_recalculation, dispatch_uid="tracking-recalculate")


def _queue_recalculation(sender: Any, day: Any, **kwargs: Any) -> None:
    from yankao.tracking.tasks import recalculate_deadlines

    recalculate_deadlines(day.isoformat())
