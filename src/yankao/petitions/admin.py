from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from yankao.core.admin import EvidenceAdmin
from yankao.petitions.intake import petition_intake_retry
from yankao.petitions.models import (
    AgencyPetitionSettings,
    Category,
    PersonalDataAccess,
    PetitionAttachment,
    PetitionIntake,
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
class PersonalDataAccessAdmin(EvidenceAdmin):
    list_display = ["at", "user", "petition", "where", "reason"]
    list_select_related = ["user", "petition__item"]


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


@admin.register(PetitionIntake)
class PetitionIntakeAdmin(admin.ModelAdmin):
    """Petitions the API queued. Failed ones (a category no agency handles any more,
    say) are retried from here once the cause is corrected. The petitioner's data
    and code are not shown: the registered petition's page shows them, masked."""

    list_display = ["number", "state", "received_at", "registered_at", "attempts", "subject"]
    list_filter = ["state"]
    search_fields = ["number"]
    fields = ("number", "state", "received_at", "registered_at", "attempts", "error", "petition")
    readonly_fields = fields
    actions = ["retry"]

    @admin.display(description=_("subject"))
    def subject(self, intake: PetitionIntake) -> str:
        return str(intake.data.get("subject", ""))

    @admin.action(description=_("Queue the selected failed petitions again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[PetitionIntake]) -> None:
        count = sum(petition_intake_retry(intake=intake) for intake in queryset)
        message = ngettext(
            "%(count)d petition queued again.", "%(count)d petitions queued again.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
