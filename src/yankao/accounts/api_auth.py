"""API authentication: bearer tokens for systems and staff, sessions for staff in a browser."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from yankao.accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()
