"""Sign-in backends.

`SignInGateBackend` comes first: while the username is locked for the client's
address, or slowed down (accounts/signin.py), it refuses the attempt before any
password is checked, unless the caller will check a second-factor code as well
(`with_code=True`, which only accounts.signin.sign_in passes).

`StaffBackend` is Django's model backend, except that the user loaded for each
request comes with their agency in the same query (nearly every page asks for
`user.agency`: scoping, menus), and that a password alone never signs in a user
who has a second factor."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied, AxesBackendRequestParameterRequired
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from yankao.accounts.models import User
from yankao.accounts.second_factor import has_second_factor
from yankao.accounts.signin import request_address, sign_in_gate


class SignInGateBackend(AxesStandaloneBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        with_code: bool = False,
        **kwargs: Any,
    ) -> None:
        if request is None:
            raise AxesBackendRequestParameterRequired("Sign-in needs the request.")
        gate = sign_in_gate(username=username or "", address=request_address(request))
        request.yankao_sign_in_gate = gate  # type: ignore[attr-defined]
        if gate.closed() and not with_code:
            # django-axes then neither counts the attempt nor restarts a lock.
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise AxesBackendPermissionDenied("Sign-in refused: the gate is closed.")
        return


class StaffBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        with_code: bool = False,
        **kwargs: Any,
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if not isinstance(user, User):
            return None
        if not with_code and has_second_factor(user):
            return None
        return user

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("agency").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
