"""Admin pieces the businesses share (no model of core's is registered here)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


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
