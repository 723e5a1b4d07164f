from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yankao.calendar.dgpa import weekday_char
from yankao.calendar.models import CalendarDay
from yankao.calendar.services import calendar_changed


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "is_working_day", "note", "source", "updated_at")
    list_filter = ("is_working_day", "source")
    search_fields = ("note",)
    date_hierarchy = "date"
    ordering = ("date",)
    list_per_page = 100
    readonly_fields = ("previous_note", "previous_source", "declared_by", "updated_at")

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return weekday_char(obj.date)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        calendar_changed()

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        super().delete_model(request, obj)
        calendar_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        super().delete_queryset(request, queryset)
        calendar_changed()
