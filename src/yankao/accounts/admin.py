from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from yankao.accounts.models import ApiToken, User
from yankao.accounts.second_factor import has_second_factor, second_factor_remove
from yankao.accounts.signin import sign_in_failures, sign_in_unlock


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "agency", "is_active"]
    list_filter = ["role", "is_active", "agency__level"]
    search_fields = ["username", "full_name", "email"]
    readonly_fields = ["sign_in_state"]
    actions = ["unlock_sign_in", "remove_second_factor"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Organisation"), {"fields": ("full_name", "role", "agency", "unit", "phone")}),
        (_("Sign-in"), {"fields": ("sign_in_state",)}),
    )

    @admin.display(description=_("Sign-in failures and locks"))
    def sign_in_state(self, obj: User) -> SafeString:
        """Each address the username failed from, how often, and until when it is
        locked there; and whether the user has a second factor."""
        context = {
            "failures": sign_in_failures(username=obj.get_username()),
            "second_factor": has_second_factor(obj),
        }
        return SafeString(render_to_string("accounts/admin_sign_in_state.html", context))

    @admin.action(description=_("Unlock sign-in for the selected accounts"))
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = request.user.get_username()
        users = list(queryset)
        for user in users:
            sign_in_unlock(username=user.get_username(), by=by)
        self.message_user(
            request,
            ngettext(
                "Sign-in unlocked for %(count)d account.",
                "Sign-in unlocked for %(count)d accounts.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Turn off two-step verification (a lost phone)"))
    def remove_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = request.user.get_username()
        users = list(queryset)
        for user in users:
            second_factor_remove(user=user, by=by)
        self.message_user(
            request,
            ngettext(
                "Two-step verification turned off for %(count)d account.",
                "Two-step verification turned off for %(count)d accounts.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]
    search_fields = ["prefix", "name", "user__username"]
