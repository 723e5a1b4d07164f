from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yankao.petitions.models import (
    AgencyPetitionSettings,
    Category,
    PersonalDataAccess,
    PetitionAttachment,
    PetitionRating,
    ReplyTemplate,
    RoutingRule,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "time_limit_days", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "district", "agency"]
    list_select_related = ["category", "district", "agency"]
    search_fields = ["category__code", "category__name"]


@admin.register(AgencyPetitionSettings)
class AgencyPetitionSettingsAdmin(admin.ModelAdmin):
    list_display = ["agency", "reply_needs_approval"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """The access log is evidence: it can be read, never changed."""

    list_display = ["at", "user", "petition", "where", "reason"]
    list_select_related = ["user", "petition__item"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["category"]
    search_fields = ["title", "body", "category__code", "category__name"]
    autocomplete_fields = ["category"]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what citizens sent: read here, never changed by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PetitionRating)
class PetitionRatingAdmin(_ReadOnlyAdmin):
    list_display = ["petition", "score", "rated_at"]
    list_filter = ["score"]
    list_select_related = ["petition__item"]


@admin.register(PetitionAttachment)
class PetitionAttachmentAdmin(_ReadOnlyAdmin):
    """Only the facts of each file: the file itself is served by the petition page,
    to those who may see the petition."""

    list_display = ["original_name", "petition", "content_type", "size", "uploaded_at"]
    list_select_related = ["petition__item"]
    exclude = ["file"]
