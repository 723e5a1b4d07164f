"""Forms of the dispatch pages. Messages are whole translatable sentences; a field's
error is shown next to it (includes/field.html links it to the input)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from yankao.calendar.forms import ROCDateField
from yankao.core.forms import (
    CheckedFilesField,
    ModelChoiceField,
    PhoneField,
    clean_city_point,
    latitude_field,
    longitude_field,
)
from yankao.core.reporting.forms import LONGEST_RANGE_DAYS
from yankao.core.uploads import JPEG, PNG
from yankao.dispatch.models import Channel, TicketClass
from yankao.organisation.models import District
from yankao.tracking.models import Status

MAX_PHOTOS = 5


class PhotosField(CheckedFilesField):
    """Up to five JPEG or PNG pictures, checked by their content and re-encoded
    without metadata (yankao.core.uploads); a PDF or anything else is refused."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Photos"))
        kwargs.setdefault(
            "help_text",
            _("Up to 5 photos (JPEG or PNG), 10 MB each. Location and camera data are removed."),
        )
        super().__init__(
            max_files=MAX_PHOTOS,
            content_types=(JPEG, PNG),
            too_many=_("Attach at most %(limit)d photos (you chose %(count)d)."),
            wrong_type=_("“%(name)s” is not a photo. Only JPEG or PNG pictures can be attached."),
            **kwargs,
        )


class TicketClassField(ModelChoiceField):
    """The classes grouped as the city groups them (工務, 交通, 警政 …), with their limit."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=TicketClass.objects.filter(is_active=True), **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return _("%(code)s %(name)s (%(hours)s h)") % {
            "code": obj.code,
            "name": obj.name,
            "hours": obj.hours,
        }

    def grouped_choices(self) -> list[Any]:
        groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for ticket_class in self.queryset:  # type: ignore[union-attr]
            groups[ticket_class.group].append(
                (ticket_class.pk, self.label_from_instance(ticket_class))
            )
        return [("", "—"), *groups.items()]


def district_from_text(text: str) -> District | None:
    """A district named by its key (fengshan), name (鳳山區 or 鳳山) or number."""
    text = (text or "").strip()
    if not text:
        return None
    by_name = Q(key=text.lower()) | Q(name=text) | Q(name=f"{text}區")
    if text.isdigit():
        by_name |= Q(pk=int(text)) | Q(postal_code=text)
    return District.objects.filter(by_name).order_by("sort_order").first()


class TicketForm(forms.Form):
    """The dispatcher's intake of a hazard."""

    ticket_class = TicketClassField(
        label=_("Class"),
        error_messages={
            "required": _("Choose the class of hazard."),
            "invalid_choice": _("Choose one of the listed classes."),
        },
    )
    description = forms.CharField(
        label=_("What and where exactly"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Describe the hazard: what it is and where exactly.")},
    )
    district = ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("Choose one of the listed districts.")},
    )
    address = forms.CharField(
        label=_("Address or landmark"),
        max_length=200,
        required=False,
        help_text=_("e.g. 光復路二段120號前, or the lamp number of a streetlight."),
    )
    latitude = latitude_field()
    longitude = longitude_field()
    channel = forms.ChoiceField(label=_("Received by"), choices=Channel.choices)
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=60, required=False)
    reporter_phone = PhoneField(
        label=_("Reporter's phone"),
        required=False,
        help_text=_("For the agency to call back; shown masked to others."),
    )
    photos = PhotosField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ticket_class"]
        assert isinstance(field, TicketClassField)
        field.choices = field.grouped_choices()

    @classmethod
    def prefill(cls, query: QueryDict) -> dict[str, Any]:
        """Initial values from the 1999 console's link:
        /dispatch/new/?description=&address=&district=&phone=&class="""
        initial: dict[str, Any] = {"channel": Channel.PHONE}
        for name, key in (("description", "description"), ("address", "address")):
            if query.get(key):
                initial[name] = query[key][:2000]
        if query.get("phone"):
            initial["reporter_phone"] = query["phone"][:30]
        if query.get("name"):
            initial["reporter_name"] = query["name"][:60]
        district = district_from_text(query.get("district", ""))
        if district is not None:
            initial["district"] = district.pk
        code = query.get("class", "").strip()
        if code:
            ticket_class = TicketClass.objects.filter(code=code, is_active=True).first()
            if ticket_class is not None:
                initial["ticket_class"] = ticket_class.pk
        if query.get("channel") in Channel.values:
            initial["channel"] = query["channel"]
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        placed = clean_city_point(self, cleaned)
        nowhere = not (cleaned.get("latitude") or cleaned.get("district") or cleaned.get("address"))
        if placed and nowhere:
            self.add_error(
                "address", _("Say where the hazard is: a district, an address or a map point.")
            )
        return cleaned


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReportBackForm(forms.Form):
    status_text = forms.CharField(
        label=_("What was done on site"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what was done on site.")},
    )
    done = forms.TypedChoiceField(
        label=_("Is the hazard dealt with?"),
        choices=[
            ("1", _("Yes: dealt with, close the ticket")),
            ("0", _("Not yet: a progress report")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the hazard is dealt with.")},
    )
    photos = PhotosField()


class RevealForm(forms.Form):
    """Show the reporter's name and phone; the look is logged."""


STATUS_CHOICES = [
    ("", _("Open")),
    (Status.ASSIGNED.value, _("Not yet acknowledged")),
    (Status.IN_PROGRESS.value, _("Acknowledged, being handled")),
    ("closed", _("Reported done")),
    ("all", _("All")),
]


class FilterForm(forms.Form):
    ticket_class = ModelChoiceField(
        label=_("Class"),
        queryset=TicketClass.objects.all(),
        required=False,
        empty_label=_("Any"),
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    district = ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False, empty_label=_("Any")
    )

    def __init__(self, *args: Any, classes: QuerySet[TicketClass] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        if classes is not None:
            self.fields["ticket_class"].queryset = classes  # type: ignore[attr-defined]


class StatisticsForm(forms.Form):
    start = ROCDateField(label=_("From"), required=False)
    end = ROCDateField(label=_("To (inclusive)"), required=False)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def period(self) -> tuple[date, date]:
        """The chosen days, or the last 30 days up to today."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("end") or self.today
        start = data.get("start") or end - timedelta(days=29)
        return start, end

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end must be on or after the start."))
        elif start and end and (end - start).days >= LONGEST_RANGE_DAYS:
            self.add_error("end", _("Choose at most a year."))
        return cleaned
