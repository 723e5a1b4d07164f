from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from yankao.tracking.models import CoHandler, Extension, ItemEvent, TrackedItem


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = ItemEvent
    fields = ["at", "action", "actor", "from_status", "to_status", "reason"]


@admin.register(TrackedItem)
class TrackedItemAdmin(admin.ModelAdmin):
    """Read-only: items change only through the engine's services, with history."""

    list_display = ["number", "kind", "title", "owner_agency", "status", "due_at", "outcome"]
    list_filter = ["kind", "status", "outcome", "escalation"]
    search_fields = ["number", "title"]
    list_select_related = ["owner_agency"]
    show_full_result_count = False
    inlines = [EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


admin.site.register(CoHandler, list_display=["item", "agency", "state"], raw_id_fields=["item"])
admin.site.register(Extension, list_display=["item", "amount", "state"], raw_id_fields=["item"])
