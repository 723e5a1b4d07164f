"""Forms of the public booking pages and the consultation desk. Every message is a
whole translatable sentence; text is kept as plain text and escaped where shown."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.calendar.forms import ROCDateField
from yankao.core.forms import ModelChoiceField, ModelMultipleChoiceField, PhoneField
from yankao.core.forms import plain_text as _text
from yankao.legal.models import (
    Advice,
    BookingChannel,
    BookingStatus,
    ConfirmVia,
    Lawyer,
    Topic,
    Venue,
)
from yankao.legal.selectors import Slot

NAME_MAX = 50
QUESTION_MAX = 500

CONSENT_TEXT = _(
    "I agree that the Research, Development and Evaluation Commission collects and uses "
    "my name, phone number, e-mail address and the summary of my question to arrange this "
    "consultation, under the Personal Data Protection Act. Only the service staff and the "
    "lawyer on duty see them."
)


SMS_HELP = _(
    "We send a code to this number by SMS to confirm the booking, and call it if the "
    "session changes."
)
EMAIL_HELP = _("We send the code that confirms the booking there, and a reminder the day before.")
EMAIL_NEEDED = _("Enter your e-mail address: we send the code that confirms the booking there.")


class SlotChoiceField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, widget=forms.RadioSelect, **kwargs)


class BookingForm(forms.Form):
    """The citizen's booking of one slot. `website` is a trap for robots."""

    slot = SlotChoiceField(
        label=_("Time"),
        error_messages={
            "required": _("Choose a time."),
            "invalid_choice": _("That time is no longer free. Please choose another one."),
        },
    )
    name = _text(_("Your name"), NAME_MAX, required=_("Enter your name."))
    phone = PhoneField(
        label=_("Your phone"),
        help_text=_("We call this number if the session changes."),
        error_messages={"required": _("Enter a phone number we can reach you at.")},
    )
    email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        max_length=254,
        required=False,
        help_text=_("For the confirmation and a reminder the working day before."),
        error_messages={
            "invalid": _("Enter a valid e-mail address, for example name@example.com.")
        },
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=Topic.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the topic of your question."),
            "invalid_choice": _("Choose one of the listed topics."),
        },
    )
    question = _text(
        _("Your question in short"),
        QUESTION_MAX,
        required=_("Describe your question in a few words."),
        rows=4,
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("Please agree to the use of your data for the booking.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, slots: list[Slot], confirm_via: str = "", **kwargs: Any) -> None:
        """`confirm_via` is where a citizen's confirmation code goes (ADR 0022): by
        SMS the phone is told so; by e-mail the address becomes required."""
        super().__init__(*args, **kwargs)
        field = self.fields["slot"]
        assert isinstance(field, SlotChoiceField)
        field.choices = [
            (slot.index, f"{slot.starts:%H:%M}–{slot.ends:%H:%M}") for slot in slots if slot.free
        ]
        if confirm_via == ConfirmVia.SMS:
            self.fields["phone"].help_text = SMS_HELP
        elif confirm_via == ConfirmVia.EMAIL:
            email = self.fields["email"]
            email.required = True
            email.label = _("Your e-mail")
            email.help_text = EMAIL_HELP
            email.error_messages["required"] = EMAIL_NEEDED

    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class WaitlistForm(forms.Form):
    day = forms.TypedChoiceField(
        label=_("Day you want"),
        coerce=date.fromisoformat,
        error_messages={
            "required": _("Choose the day you want."),
            "invalid_choice": _("Choose one of the listed days."),
        },
    )
    name = _text(_("Your name"), NAME_MAX, required=_("Enter your name."))
    phone = PhoneField(
        label=_("Your phone"),
        error_messages={"required": _("Enter a phone number we can reach you at.")},
    )
    email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        max_length=254,
        required=False,
        help_text=_("We write when a time of that day becomes free; without it, we call."),
        error_messages={
            "invalid": _("Enter a valid e-mail address, for example name@example.com.")
        },
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("Please agree to the use of your data for the booking.")},
    )

    def __init__(self, *args: Any, days: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "wait_%s")  # beside other forms on the page
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [("", "—"), *days]  # type: ignore[attr-defined]


class StaffBookingForm(BookingForm):
    """The desk books for a caller: the same fields, the channel, and the consent
    the caller gave on the phone or at the counter."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c.value, c.label) for c in (BookingChannel.PHONE, BookingChannel.COUNTER)],
    )
    name = _text(_("Citizen's name"), NAME_MAX, required=_("Enter the citizen's name."))
    phone = PhoneField(
        label=_("Citizen's phone"),
        error_messages={"required": _("Enter a phone number we can reach the citizen at.")},
    )
    email = forms.EmailField(
        label=_("Citizen's e-mail (optional)"),
        max_length=254,
        required=False,
        error_messages={
            "invalid": _("Enter a valid e-mail address, for example name@example.com.")
        },
    )
    consent = forms.BooleanField(
        label=_("The citizen agreed to the use of their data for the booking."),
        error_messages={"required": _("Ask the citizen for their consent and tick the box.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("website")
        self.order_fields(["channel", "slot", "name", "phone", "email", "topic", "question"])


class LookUpForm(forms.Form):
    number = forms.CharField(
        label=_("Booking number"),
        max_length=20,
        error_messages={"required": _("Enter the booking number, for example L1151126-000042.")},
    )
    code = forms.CharField(
        label=_("Private code"),
        max_length=20,
        error_messages={"required": _("Enter the private code we gave you.")},
    )


class CancelForm(LookUpForm):
    number = forms.CharField(widget=forms.HiddenInput, max_length=20)
    code = forms.CharField(widget=forms.HiddenInput, max_length=20)


class ConfirmForm(forms.Form):
    """The confirmation code typed back; the booking number and private code travel
    with it hidden, so only who made the booking can spend its tries."""

    number = forms.CharField(widget=forms.HiddenInput, max_length=20)
    code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    confirmation = forms.CharField(
        label=_("Confirmation code"),
        max_length=20,
        help_text=_("The six digits we sent you."),
        error_messages={"required": _("Enter the confirmation code we sent you.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": "8"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "confirm_%s")  # beside the look-up form on its page
        super().__init__(*args, **kwargs)

    def clean_confirmation(self) -> str:
        return "".join(str(self.cleaned_data["confirmation"]).split())


DATE_HINT = _("ROC or ISO date, e.g. 115/10/01 or 2026-10-01")

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class RotaForm(forms.Form):
    venue = ModelChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.filter(is_active=True),
        empty_label="—",
        error_messages={"required": _("Choose the venue.")},
    )
    first = ROCDateField(
        label=_("From"),
        help_text=DATE_HINT,
        error_messages={"required": _("Enter the first day.")},
    )
    last = ROCDateField(
        label=_("To"), help_text=DATE_HINT, error_messages={"required": _("Enter the last day.")}
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one weekday.")},
    )
    starts_at = forms.TimeField(
        label=_("Starts at"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"required": _("Enter the time, for example 14:00.")},
    )
    ends_at = forms.TimeField(
        label=_("Ends at"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"required": _("Enter the time, for example 17:00.")},
    )
    desks = forms.IntegerField(label=_("Lawyers at once"), min_value=1, max_value=10, initial=1)
    lawyers = ModelMultipleChoiceField(
        label=_("Lawyers, in turn"),
        queryset=Lawyer.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Lawyers take the sessions in turn; leave empty to assign them later."),
    )
    on_makeup_days = forms.BooleanField(
        label=_("Also on make-up working days (補行上班)"), required=False, initial=True
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if isinstance(first, date) and isinstance(last, date) and last < first:
            self.add_error("last", _("The last day is before the first day."))
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data


class DeskForm(forms.Form):
    start = ROCDateField(label=_("From"), required=False, help_text=DATE_HINT)
    venue = ModelChoiceField(
        label=_("Venue"), queryset=Venue.objects.all(), required=False, empty_label="—"
    )


class SessionCancelForm(forms.Form):
    reason = _text(_("Why is the session cancelled?"), 200, required=_("Give the reason."))


class LawyerForm(forms.Form):
    lawyer = ModelChoiceField(
        label=_("Lawyer"),
        queryset=Lawyer.objects.filter(is_active=True),
        error_messages={"required": _("Choose the lawyer.")},
    )


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(s.value, s.label) for s in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW)],
        error_messages={"required": _("Choose attended or did not come.")},
    )
    advice = forms.ChoiceField(
        label=_("Kind of advice"),
        choices=[("", "—"), *Advice.choices],
        required=False,
    )


class LawyerAddForm(forms.Form):
    name = _text(_("Name"), 60, required=_("Enter the lawyer's name."))
    bar_association = _text(_("Bar association"), 60, required=_("Enter the bar association."))
    licence_number = _text(
        _("Licence number"), 40, required=_("Enter the lawyer's licence number.")
    )
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        error_messages={
            "invalid": _("Enter a valid e-mail address, for example name@example.com.")
        },
    )
