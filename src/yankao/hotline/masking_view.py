"""Callers' numbers as staff pages show them: masked (09xx-xxx-123) unless a user
who may see them asked, with a reason, and the look was logged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.core.masking import mask_phone
from yankao.hotline.models import Call


def number(call: Call, *, unmasked: bool = False) -> str:
    return call.caller_number if unmasked else mask_phone(call.caller_number)


@dataclass(frozen=True)
class Row:
    call: Call
    number: str


def rows(calls: Iterable[Call]) -> list[Row]:
    return [Row(call=call, number=number(call)) for call in calls]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the caller's number?"),
        max_length=300,
        error_messages={"required": _("Say why you need the caller's number.")},
    )
