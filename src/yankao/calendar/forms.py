"""Form fields for dates typed the way Taiwanese staff type them (ROC or ISO)."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yankao.calendar.roc import format_roc_short, parse_date
from yankao.core.taipei import to_taipei


def _prefers_roc() -> bool:
    return not (translation.get_language() or "").lower().startswith("en")


class ROCDateInput(forms.DateInput):
    """A text input showing its initial value as 115/11/26 in Chinese, 2026-11-26 in English."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime):
            value = to_taipei(value).date()
        if isinstance(value, date):
            if _prefers_roc() and value.year > 1911:
                return format_roc_short(value)
            return value.isoformat()
        return super().format_value(value)


class ROCDateField(forms.DateField):
    """A date field accepting ROC dates (115/11/26, 民國115年11月26日, 1151126) and ISO dates."""

    widget = ROCDateInput
    default_error_messages = {
        "invalid": _("Enter a valid date, for example 115/11/26 (ROC year) or 2026-11-26."),
    }

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return to_taipei(value).date()
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
