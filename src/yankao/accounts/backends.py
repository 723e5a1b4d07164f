"""The staff sign-in backend: Django's model backend, except that the user loaded
for each request comes with their agency in the same query. Nearly every page asks
for `user.agency` (scoping, menus), which was a second query per request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from yankao.accounts.models import User


class StaffBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("agency").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
