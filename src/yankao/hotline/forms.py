"""The agent console's form, the call list's filter and the statistics' period.

The console is one form with one button per way a call ends; the button pressed
names the outcome, and only the fields that outcome needs are then required."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yankao.accounts.models import User
from yankao.calendar.forms import ROCDateField
from yankao.core import clock
from yankao.core.forms import (
    ModelChoiceField,
    PlainTextField,
    latitude_field,
    longitude_field,
    plain_text,
)
from yankao.core.reporting.forms import LONGEST_RANGE_DAYS, check_day_range
from yankao.hotline import integrations
from yankao.hotline.models import MAX_DURATION_SECONDS, Language, Outcome
from yankao.hotline.services import NOTES_MAX, NUMBER_PATTERN, CallFacts
from yankao.organisation.models import Agency, District
from yankao.petitions.forms import (
    ADDRESS_MAX,
    NAME_MAX,
    SUBJECT_MAX,
    CategoryField,
)

TOKEN_SALT = "yankao.hotline.console"  # noqa: S105 - a signing salt, not a secret
QUERY_MAX = 100

# The buttons that end a call, by the outcome they record.
ACTIONS = {
    "petition": Outcome.PETITION,
    "ticket": Outcome.TICKET,
    "transfer": Outcome.TRANSFER,
    "other": Outcome.OTHER,
}


def new_call_token() -> str:
    """The call's start and a one-time id, signed: the console's timer starts when
    the page for a new call is made, and the same call cannot be recorded twice."""
    return signing.dumps({"t": clock.now().isoformat(), "n": secrets.token_hex(8)}, salt=TOKEN_SALT)


def _text(label: Any, max_length: int, *, textarea: bool = False, **attrs: Any) -> PlainTextField:
    return plain_text(label, max_length, rows=4 if textarea else 0, **attrs)


def _short_name(agency: Agency) -> str:
    return agency.short_name or agency.name


class OptionalCategoryField(CategoryField):
    """The petition category, needed only when the call ends with a petition."""

    def clean(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        return super().clean(value)


class DescribedErrorsForm(forms.Form):
    """Points each field with an error at its message (includes/field.html gives the
    message the id `<field id>_error`), so screen readers read it with the field."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                described = attrs.get("aria-describedby", "")
                error_id = f"{self[name].auto_id}_error"
                if error_id not in described:
                    attrs["aria-describedby"] = f"{described} {error_id}".strip()


class ConsoleForm(DescribedErrorsForm):
    call = forms.CharField(widget=forms.HiddenInput)
    caller_number = forms.CharField(
        label=_("Caller's number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "tel", "autocomplete": "off"}
        ),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, initial=Language.MANDARIN
    )
    caller_name = _text(_("Caller's name"), NAME_MAX, autocomplete="off")
    subject = _text(_("Subject"), SUBJECT_MAX, autocomplete="off")
    notes = _text(_("What the caller asks or reports"), NOTES_MAX, textarea=True)
    district = ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("Choose one of the listed districts.")},
    )
    address = _text(_("Address or place"), ADDRESS_MAX, autocomplete="off")
    q = forms.CharField(
        label=_("Search the knowledge base"),
        max_length=QUERY_MAX,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    category = OptionalCategoryField(
        label=_("Petition category"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the listed categories.")},
    )
    ticket_class = forms.TypedChoiceField(
        label=_("Dispatch class"), required=False, coerce=int, empty_value=None
    )
    # The hazard's map point, for a dispatch ticket: typed, or set by clicking the
    # map next to them (the inputs are the keyboard's way in).
    latitude = latitude_field()
    longitude = longitude_field()
    agency = ModelChoiceField(
        label=_("Agency line"),
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("Choose one of the listed agencies.")},
    )

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["q"].widget.attrs.update(
            {
                "hx-get": reverse("hotline:knowledge"),
                "hx-trigger": "input changed delay:500ms, search",
                "hx-target": "#kb-results",
                "hx-include": "#id_subject",
            }
        )
        category = self.fields["category"]
        assert isinstance(category, CategoryField)
        category.load_choices(codes=True)
        # Short names (警察局, 鳳山區公所) so that typing a few characters in the
        # closed list finds the agency: the full names all begin 高雄市政府.
        self.fields["agency"].label_from_instance = _short_name  # type: ignore[attr-defined]
        self.fields["ticket_class"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((c.pk, str(c)) for c in integrations.ticket_classes()),
        ]
        self.fields["photos"] = integrations.ticket_photos_field()

    def clean_call(self) -> dict[str, Any]:
        try:
            payload = signing.loads(
                self.cleaned_data["call"],
                salt=TOKEN_SALT,
                max_age=timedelta(seconds=MAX_DURATION_SECONDS),
            )
            started = datetime.fromisoformat(payload["t"])
            nonce = str(payload["n"])
        except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
            raise forms.ValidationError(
                _("This call's form is too old or damaged. Start a new call."), code="token"
            ) from error
        return {"started_at": started, "source_id": f"console-{nonce}"}

    def clean_caller_number(self) -> str:
        number = str(self.cleaned_data.get("caller_number", "")).strip()
        if number and not NUMBER_PATTERN.match(number):
            raise forms.ValidationError(
                _("Enter the caller's number in digits, for example 0912-345-678."),
                code="invalid",
            )
        return number

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needs = {
            "petition": ("category", _("Choose the petition's category.")),
            "ticket": ("ticket_class", _("Choose the dispatch class.")),
            "transfer": ("agency", _("Choose the agency whose line you transferred the call to.")),
        }
        if self.action in needs:
            name, message = needs[self.action]
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        if self.action == "ticket" and data.get("ticket_class"):
            chosen = integrations.ticket_class(data["ticket_class"])
            if chosen is None:
                self.add_error("ticket_class", _("Choose one of the listed dispatch classes."))
            data["ticket_class"] = chosen
        if self.action == "ticket":
            self._clean_location(data)
        return data

    def _clean_location(self, data: dict[str, Any]) -> None:
        try:
            found = integrations.ticket_location(
                data.get("latitude", ""), data.get("longitude", "")
            )
        except integrations.ticket_errors() as error:
            self.add_error("latitude", str(error))
        else:
            data["latitude"], data["longitude"] = found

    def ticket_extras(self) -> dict[str, Any]:
        """The ticket's map point and photos, as cleaned."""
        data = self.cleaned_data
        return {
            "latitude": data.get("latitude") or None,
            "longitude": data.get("longitude") or None,
            "photos": data.get("photos") or (),
        }

    def facts(self) -> CallFacts:
        data = self.cleaned_data
        return CallFacts(
            started_at=data["call"]["started_at"],
            source_id=data["call"]["source_id"],
            caller_number=data["caller_number"],
            caller_name=data["caller_name"],
            language=data["language"],
            subject=data["subject"],
            notes=data["notes"],
            district=data["district"],
            address=data["address"],
        )

    def started_at(self) -> datetime | None:
        """The start of the call the form belongs to, for the timer; None if unknown."""
        token = self.data.get("call") if self.is_bound else self.initial.get("call")
        try:
            payload = signing.loads(str(token or ""), salt=TOKEN_SALT)
            return datetime.fromisoformat(payload["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None


class CallFilterForm(DescribedErrorsForm):
    day = ROCDateField(label=_("Day"), required=False)
    agent = ModelChoiceField(
        label=_("Agent"), queryset=User.objects.none(), required=False, empty_label=_("Any")
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Any")), *Outcome.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any")), *Language.choices], required=False
    )

    def __init__(self, *args: Any, agents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents  # type: ignore[attr-defined]
        self.fields["agent"].label_from_instance = lambda u: u.full_name or u.username  # type: ignore[attr-defined]


class PeriodForm(DescribedErrorsForm):
    """The statistics' period (Taipei days, both included) and the month whose days
    are listed."""

    start = ROCDateField(label=_("From"), required=False)
    end = ROCDateField(label=_("To"), required=False)
    month = forms.CharField(label=_("Days of the month"), required=False, max_length=7)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:  # a first day alone runs for up to a year
            check_day_range(start, end)
        month = data.get("month") or ""
        if month:
            try:
                data["month"] = date.fromisoformat(f"{month}-01")
            except ValueError:
                self.add_error("month", _("Choose a month, for example 2026-10."))
        return data

    def period(self) -> tuple[date, date]:
        """The chosen days; by default this month and the eleven before it, to today."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            return start, end
        if start:
            return start, max(
                start, min(self.today, start + timedelta(days=LONGEST_RANGE_DAYS - 1))
            )
        end = end or self.today
        return _months_before(end, 11), end

    def month_shown(self, start: date, end: date) -> date:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        chosen = data.get("month")
        if isinstance(chosen, date) and start.replace(day=1) <= chosen <= end:
            return chosen
        return end.replace(day=1)


def _months_before(end: date, count: int) -> date:
    """The first day of the month `count` months before `end`'s month."""
    first = end.replace(day=1)
    for _n in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
    return first
