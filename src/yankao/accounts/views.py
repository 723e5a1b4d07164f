"""Sign-in, the page shown while sign-in is paused for an address, and the staff
member's own account page with two-step verification (docs/adr/0020)."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yankao.accounts.forms import CodeForm, StaffLoginForm
from yankao.accounts.models import User
from yankao.accounts.second_factor import (
    authenticator_key,
    backup_codes_left,
    backup_codes_renew,
    has_second_factor,
    second_factor_confirm,
    second_factor_pending,
    second_factor_remove,
    second_factor_start,
    second_factor_verify,
)
from yankao.accounts.signin import OPEN, Gate


class StaffLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        if isinstance(form, StaffLoginForm) and form.paused and form.attempt is not None:
            username = form.cleaned_data.get("username") or ""
            return paused_page(self.request, gate=form.attempt.gate, username=username)
        return super().form_invalid(form)


def paused_page(request: HttpRequest, *, gate: Gate, username: str) -> HttpResponse:
    """429, with when to try again and the way in with a second factor now."""
    form = StaffLoginForm(request, initial={"username": username})
    form.fields["code"].required = True  # shown as needed here; the sign-in decides
    context = {
        "form": form,
        "locked": gate.locked,
        "until": gate.until,
        "seconds": gate.retry_after(),
        "login_url": reverse("accounts:login"),
    }
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(max(gate.retry_after(), 1))
    response.sign_in_paused = True  # type: ignore[attr-defined]
    return response


def axes_lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): the sign-in view has
    usually made it already; any other caller of authenticate() gets the same page."""
    if original_response is not None and getattr(original_response, "sign_in_paused", False):
        return original_response
    gate = getattr(request, "yankao_sign_in_gate", OPEN)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return paused_page(request, gate=gate, username=str(username))


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site signs in through the staff sign-in (its own form would skip
    the second factor); signed-in staff without admin rights are refused rather
    than sent round in a loop."""
    if request.user.is_authenticated:
        raise PermissionDenied
    target = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(target, login_url=reverse("accounts:login"))


# --- the account page ------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required let only staff in
    return user


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "enrolled": has_second_factor(user),
        "backup_codes_left": backup_codes_left(user),
        "pending": second_factor_pending(user) is not None,
        "renew_form": CodeForm(prefix="renew"),
        "remove_form": CodeForm(prefix="remove"),
    }
    return render(request, "accounts/account.html", context)


@require_POST
@login_required
def two_factor_start(request: HttpRequest) -> HttpResponse:
    second_factor_start(user=_user(request))
    return redirect("accounts:two-factor-confirm")


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_confirm(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    device = second_factor_pending(user)
    if device is None:
        return redirect("accounts:account")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        codes = second_factor_confirm(user=user, code=form.cleaned_data["code"])
        if codes is not None:
            return _backup_codes_page(request, codes, enrolled_now=True)
        form.add_error("code", _("The code is not correct. Enter the code the app shows now."))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr": qr.svg_data_uri(scale=5, border=4, dark="#000000", light="#ffffff"),
        "key": authenticator_key(device),
    }
    return render(request, "accounts/two_factor_confirm.html", context)


@require_POST
@login_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = CodeForm(request.POST, prefix="renew")
    if not (form.is_valid() and second_factor_verify(user=user, code=form.cleaned_data["code"])):
        messages.error(request, _("The code is not correct; no new backup codes were made."))
        return redirect("accounts:account")
    return _backup_codes_page(request, backup_codes_renew(user=user), enrolled_now=False)


@require_POST
@login_required
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = CodeForm(request.POST, prefix="remove")
    if not (form.is_valid() and second_factor_verify(user=user, code=form.cleaned_data["code"])):
        messages.error(request, _("The code is not correct; two-step verification stays on."))
        return redirect("accounts:account")
    second_factor_remove(user=user, by=user.get_username())
    messages.success(request, _("Two-step verification is off: you sign in with your password."))
    return redirect("accounts:account")


def _backup_codes_page(
    request: HttpRequest, codes: list[str], *, enrolled_now: bool
) -> HttpResponse:
    """Shown once, never stored in clear nor cached by the browser."""
    response = render(
        request, "accounts/backup_codes.html", {"codes": codes, "enrolled_now": enrolled_now}
    )
    response["Cache-Control"] = "no-store"
    return response
