from typing import Any, cast

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from yankao.accounts.models import User
from yankao.core.admin import EvidenceAdmin, PersonalDataAdmin
from yankao.messaging.models import MessageAccess, OutboxMessage, Status
from yankao.messaging.services import outbox_message_access_log, outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(PersonalDataAdmin):
    """Read-only: the outbox is written by services only. Administrators look,
    and send failed or dead messages off again. The list masks the recipients; a
    message's own page shows them and its text, and each look is logged. A
    private code in a message is never shown: the body holds a mask in its place."""

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
    # Every field but the sealed secret, read-only.
    readonly_fields = [
        field.name for field in OutboxMessage._meta.fields if field.name != "secret_sealed"
    ]
    fields = list(readonly_fields)
    list_per_page = 100

    @admin.display(description=_("recipients"))
    def recipient_list(self, obj: OutboxMessage) -> str:
        return ", ".join(obj.masked_recipients)

    def log_look(self, request: HttpRequest, obj: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(_("Opening the message in the admin"))
        user = cast(User, request.user)  # the admin signs everyone in
        outbox_message_access_log(message=obj, by=user, reason=reason, where="admin")

    @admin.action(description=_("Retry the selected failed or dead messages now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = outbox_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        text = ngettext(
            "%(count)d message will be sent again.",
            "%(count)d messages will be sent again.",
            count,
        ) % {"count": count}
        self.message_user(request, text, messages.SUCCESS)
        erased = queryset.filter(secret_erased_at__isnull=False).exclude(status=Status.SENT).count()
        if erased:
            text = ngettext(
                "%(count)d message carried a private code that was erased when it failed "
                "for good; it cannot be sent again.",
                "%(count)d messages carried a private code that was erased when they failed "
                "for good; they cannot be sent again.",
                erased,
            ) % {"count": erased}
            self.message_user(request, text, messages.WARNING)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(MessageAccess)
class MessageAccessAdmin(EvidenceAdmin):
    list_display = ["at", "user", "message", "where", "reason"]
    list_select_related = ["user", "message"]
