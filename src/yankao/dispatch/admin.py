from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from yankao.core.admin import EvidenceAdmin
from yankao.dispatch.models import DispatchContact, TicketClass, TicketPersonalDataAccess
from yankao.organisation.models import Agency


class TicketClassForm(forms.ModelForm):
    class Meta:
        model = TicketClass
        fields = [
            "code",
            "group",
            "name",
            "name_en",
            "hours",
            "agency_key",
            "sort_order",
            "is_active",
        ]

    def clean_agency_key(self) -> str:
        key = self.cleaned_data["agency_key"]
        if not Agency.objects.filter(key=key, is_active=True).exists():
            raise forms.ValidationError(_("No active agency has this key."))
        return key


@admin.register(TicketClass)
class TicketClassAdmin(admin.ModelAdmin):
    """The city's classes and limits: loaded from dispatch-classes.csv, adjustable here."""

    form = TicketClassForm
    list_display = ["code", "group", "name", "hours", "agency_key", "is_active"]
    list_filter = ["group", "is_active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(DispatchContact)
class DispatchContactAdmin(admin.ModelAdmin):
    list_display = ["agency", "duty_phone", "webhook_url", "duty_email", "is_active"]
    list_select_related = ["agency"]
    raw_id_fields = ["agency"]


@admin.register(TicketPersonalDataAccess)
class TicketPersonalDataAccessAdmin(EvidenceAdmin):
    list_display = ["at", "user", "ticket", "where"]
