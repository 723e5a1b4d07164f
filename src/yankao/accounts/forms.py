from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yankao.accounts.signin import SignIn, sign_in


def code_field(*, required: bool, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=_("Authenticator or backup code"),
        required=required,
        help_text=help_text,
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "size": 12}
        ),
    )


class StaffLoginForm(AuthenticationForm):
    """Username and password, and a code for those who use two-step verification
    (or whose sign-in is paused for their address): accounts/signin.py decides."""

    code = code_field(
        required=False,
        help_text=_(
            "Only if you use two-step verification: the 6-digit code from your "
            "authenticator app, or one of your backup codes."
        ),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username, password or code is not correct. If you use two-step "
            "verification, enter the code from your authenticator app as well. After "
            "%(limit)s failed attempts, sign-in from this address is paused for a while."
        ),
    }

    attempt: SignIn | None = None

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.attempt = sign_in(
                request=self.request,  # type: ignore[arg-type]
                username=username,
                password=password,
                code=self.cleaned_data.get("code") or "",
            )
            if self.attempt.user is None:
                raise self.get_invalid_login_error()
            self.user_cache = self.attempt.user
            self.confirm_login_allowed(self.attempt.user)
        return self.cleaned_data

    @property
    def paused(self) -> bool:
        """The sign-in is (now) paused for this address: show the page that says so."""
        return self.attempt is not None and self.attempt.gate.closed()

    def get_invalid_login_error(self) -> ValidationError:
        return ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT},
        )


class CodeForm(forms.Form):
    """A code from the user's authenticator, to confirm a change to their sign-in."""

    code = code_field(required=True)
