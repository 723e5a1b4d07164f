from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from yankao.messaging.models import OutboxMessage
from yankao.messaging.services import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: the outbox is written by services only. Administrators look,
    and send failed or dead messages off again."""

    list_display = [
        "id",
        "channel",
        "recipient_list",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "created_at",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["subject", "to", "dedupe_key", "ref_id"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    list_per_page = 100

    @admin.display(description=_("recipients"))
    def recipient_list(self, obj: OutboxMessage) -> str:
        return ", ".join(obj.recipients)

    @admin.action(description=_("Retry the selected failed or dead messages now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = outbox_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        text = ngettext(
            "%(count)d message will be sent again.",
            "%(count)d messages will be sent again.",
            count,
        ) % {"count": count}
        self.message_user(request, text, messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
