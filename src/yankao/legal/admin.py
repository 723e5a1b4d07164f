"""Reference data of legal consultations in the admin: venues and lawyers. Sessions
and bookings change only through the desk's pages and services."""

from django.contrib import admin
from django.http import HttpRequest

from yankao.legal.models import Lawyer, PersonalDataAccess, Venue


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "district", "slot_minutes", "is_active"]
    list_editable = ["slot_minutes", "is_active"]


@admin.register(Lawyer)
class LawyerAdmin(admin.ModelAdmin):
    list_display = ["name", "bar_association", "licence_number", "phone", "is_active"]
    search_fields = ["name", "licence_number"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "session", "where", "reason", "bookings_shown"]
    readonly_fields = [f.name for f in PersonalDataAccess._meta.fields]

    # The log is evidence: nobody adds, edits or deletes its rows.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
