from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from yankao.control.models import MonthLock, Pillar, Pledge, Programme


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    """The mayor's policy pillars: loaded from mayor-pledges.csv, adjustable here."""

    list_display = ["code", "name", "sort_order"]


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    """The mayor's pledges: loaded from mayor-pledges.csv, adjustable here."""

    list_display = ["code", "name", "pillar", "is_active"]
    list_filter = ["pillar", "is_active"]
    list_select_related = ["pillar"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the services only (with their history); read here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "kind", "owner_agency", "light", "latest_month"]
    list_filter = ["kind", "light", "control_level"]
    list_select_related = ["owner_agency"]
    search_fields = ["number", "title"]


@admin.register(MonthLock)
class MonthLockAdmin(ReadOnlyAdmin):
    list_display = ["month", "locked_at", "locked_by", "unlocked_at", "unlocked_by"]
    list_select_related = ["locked_by", "unlocked_by"]
