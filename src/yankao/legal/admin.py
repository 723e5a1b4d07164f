"""Reference data of legal consultations in the admin: venues and lawyers. Sessions
and bookings change only through the desk's pages and services."""

from django.contrib import admin

from yankao.core.admin import EvidenceAdmin
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
class PersonalDataAccessAdmin(EvidenceAdmin):
    list_display = ["at", "user", "session", "where", "reason", "bookings_shown"]
