from django.contrib import admin

from yankao.core.admin import EvidenceAdmin
from yankao.hotline.models import CallerNumberAccess


@admin.register(CallerNumberAccess)
class CallerNumberAccessAdmin(EvidenceAdmin):
    list_display = ["at", "user", "call", "where", "reason"]
