"""Admin pieces the businesses share (no model of core's is registered here)."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse


class EvidenceAdmin(admin.ModelAdmin):
    """A log kept as evidence (who saw personal data, and why): it can be read in
    the admin, never added to, changed or deleted there."""

    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PersonalDataAdmin(admin.ModelAdmin):
    """A record that shows a citizen's personal data on its admin page: each look at
    the page is logged, as a look at the staff pages' unmasked data is. The list
    must show that data masked; `log_look` writes the business's own log."""

    def log_look(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_or_change_permission(request, obj):
            self.log_look(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)
