from django.contrib import admin

from yankao.open311.models import ApiClient, ServiceRequest


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Read-only: keys are issued and revoked with `yankao open311 key …`, so the
    raw key is shown once, in the administrator's terminal."""

    list_display = ("name", "prefix", "rate_per_minute", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("name", "prefix", "digest", "account", "created_at", "last_used_at")
    fields = (*readonly_fields, "rate_per_minute", "revoked_at")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ("item", "service_code", "client", "received_at")
    list_select_related = ("item", "client")
    readonly_fields = (
        "item",
        "client",
        "service_code",
        "token",
        "device_id",
        "account_id",
        "received_at",
    )

    def has_add_permission(self, request: object) -> bool:
        return False
