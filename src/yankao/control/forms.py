"""Forms of the programme-control pages. They turn what a person typed into the
services' inputs (ROC years and dates accepted as the calendar's fields accept
them); the rules of a programme are the services' (services.ControlError), whose
messages the views put next to the fields they name. Messages are whole
translatable sentences."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yankao.calendar.forms import ROCDateField
from yankao.calendar.roc import format_roc_month, format_roc_month_short
from yankao.control.models import (
    ControlLevel,
    FundingSource,
    Light,
    Pillar,
    Pledge,
    ProgrammeKind,
)
from yankao.control.months import parse_month
from yankao.control.services import BudgetLine, CurvePoint, ProgressFigures
from yankao.core.era import ROC_OFFSET
from yankao.core.forms import ModelChoiceField, plain_text
from yankao.organisation.models import Agency

PERCENT_ERRORS = {
    "required": _("Give the actual progress in percent."),
    "invalid": _("Give the progress as a number, e.g. 42.5."),
    "max_value": _("Progress cannot be more than 100 %%."),
    "min_value": _("Progress cannot be less than 0 %%."),
    "max_decimal_places": _("Give the progress with at most two decimals."),
    "max_digits": _("Progress cannot be more than 100 %%."),
    "max_whole_digits": _("Progress cannot be more than 100 %%."),
}
AMOUNT_ERRORS = {
    "invalid": _("Give the amount in whole NT dollars, digits only."),
    "min_value": _("An amount of money cannot be negative."),
    "max_value": _("That amount is far above any programme's budget; check the digits."),
}


def percent_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        help_text=help_text,
        error_messages=PERCENT_ERRORS,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


def amount_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=10**12 - 1,
        help_text=help_text,
        error_messages={**AMOUNT_ERRORS, "required": _("Give the amount in NT dollars.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class YearField(forms.IntegerField):
    """A year typed as staff type it: the ROC year (115) or the Gregorian (2026)."""

    default_error_messages = {"invalid": _("Give the year, e.g. 115 (ROC) or 2026.")}

    def to_python(self, value: Any) -> int | None:
        year = super().to_python(value)
        if year is None:
            return None
        if 0 < year <= 200:
            year += ROC_OFFSET
        if not 1912 <= year <= 9998:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return year


# --- the registry -------------------------------------------------------------------------------

LIGHT_CHOICES = [("", _("Any")), *Light.choices]


class ProgrammeFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or title"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *ProgrammeKind.choices]
    )
    light = forms.ChoiceField(label=_("Light"), required=False, choices=LIGHT_CHOICES)
    pillar = forms.ChoiceField(label=_("Policy pillar"), required=False)
    agency = ModelChoiceField(
        label=_("Responsible agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Any"),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        pillars = [(p.code, p.name) for p in Pillar.objects.all()]
        self.fields["pillar"].choices = [("", _("Any")), *pillars, ("none", _("None"))]  # type: ignore[attr-defined]


class BudgetLineForm(forms.Form):
    year = YearField(label=_("Year"), required=False)
    source = forms.ChoiceField(label=_("Source"), choices=FundingSource.choices, required=False)
    amount = amount_field(_("Amount (NT$)"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        year, amount = cleaned.get("year"), cleaned.get("amount")
        if (year is None) != (amount is None) and not self.errors:
            raise forms.ValidationError(_("Give both the year and the amount, or neither."))
        return cleaned


class BaseBudgetFormSet(forms.BaseFormSet):
    def lines(self) -> list[BudgetLine]:
        return [
            BudgetLine(year=data["year"], source=data["source"], amount=data["amount"])
            for data in (form.cleaned_data for form in self.forms)
            if data.get("year") is not None and data.get("amount") is not None
        ]


BudgetFormSet = forms.formset_factory(
    BudgetLineForm, formset=BaseBudgetFormSet, extra=0, min_num=0, max_num=40, validate_max=True
)


def budget_formset(
    data: Any = None, *, initial: list[dict[str, Any]] | None = None, blank: int = 4
) -> BaseBudgetFormSet:
    rows = list(initial or [])
    rows += [{"source": FundingSource.CITY}] * max(blank - len(rows), 1)
    formset = BudgetFormSet(data, initial=rows, prefix="budget")
    assert isinstance(formset, BaseBudgetFormSet)
    return formset


class PledgeField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.pillar.name}：{obj.code} {obj.name}"


class ProgrammeForm(forms.Form):
    title = plain_text(_("Title"), 200, required=_("Give the programme's title."))
    kind = forms.ChoiceField(label=_("Kind"), choices=ProgrammeKind.choices)
    control_level = forms.ChoiceField(label=_("Control level"), choices=ControlLevel.choices)
    owner_agency = ModelChoiceField(
        label=_("Responsible agency"),
        queryset=Agency.objects.none(),
        error_messages={"required": _("Choose the responsible agency.")},
    )
    pledge = PledgeField(
        label=_("Mayor's pledge served"),
        queryset=Pledge.objects.filter(is_active=True).select_related("pillar"),
        required=False,
        empty_label=_("None"),
    )
    pillar = ModelChoiceField(
        label=_("Policy pillar"),
        queryset=Pillar.objects.all(),
        required=False,
        empty_label=_("As the pledge's, or none"),
    )
    start_date = ROCDateField(
        label=_("Start date"), error_messages={"required": _("Give the start date.")}
    )
    end_date = ROCDateField(
        label=_("End date"), error_messages={"required": _("Give the end date.")}
    )
    external_code = plain_text(_("Code in the central system"), 40)
    summary = plain_text(_("Aims and content"), 4000, rows=4)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = agencies  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start date."))
        return cleaned


# --- the planned curve ---------------------------------------------------------------------------


def _curve_name(month: date) -> str:
    return f"m{month:%Y%m}"


class CurveForm(forms.Form):
    """One input per month of the programme: the cumulative progress planned by
    the month's end."""

    def __init__(
        self, *args: Any, months: list[date], initial_values: dict[date, Decimal], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.months = months
        for month in months:
            field = percent_field(
                _("Planned by the end of %(month)s (%%)") % {"month": format_roc_month(month)}
            )
            field.error_messages = {
                **field.error_messages,
                "required": _("Give the planned progress of every month."),
                "max_value": _("Planned progress cannot be more than 100 %%."),
                "max_digits": _("Planned progress cannot be more than 100 %%."),
                "max_whole_digits": _("Planned progress cannot be more than 100 %%."),
                "min_value": _("Planned progress cannot be less than 0 %%."),
            }
            field.widget.attrs["aria-describedby"] = "curve-help"
            self.fields[_curve_name(month)] = field
            if month in initial_values:
                self.initial[_curve_name(month)] = initial_values[month]

    def points(self) -> list[CurvePoint]:
        return [
            CurvePoint(month=month, percent=self.cleaned_data[_curve_name(month)])
            for month in self.months
        ]

    def rows(self) -> Iterable[tuple[date, forms.BoundField]]:
        for month in self.months:
            yield month, self[_curve_name(month)]


def suggested_curve(months: list[date]) -> dict[date, Decimal]:
    """A starting point for a new curve: a straight line to 100 % in the last month."""
    count = len(months)
    return {
        month: (Decimal(100) * (n + 1) / count).quantize(Decimal("0.01"))
        for n, month in enumerate(months)
    }


# --- milestones -----------------------------------------------------------------------------------


class MilestoneForm(forms.Form):
    title = plain_text(_("Milestone"), 300, required=_("Give the milestone a title."))
    planned_date = ROCDateField(
        label=_("Planned date"), error_messages={"required": _("Give the planned date.")}
    )
    criteria = plain_text(
        _("Verification criteria"),
        2000,
        rows=3,
        required=_("Say how the milestone will be verified."),
    )


class CompleteForm(forms.Form):
    completed_on = ROCDateField(
        label=_("Met on"), error_messages={"required": _("Give the day the milestone was met.")}
    )
    evidence = plain_text(
        _("Evidence"),
        4000,
        rows=4,
        required=_("Give the evidence that the verification criteria are met."),
    )


# --- monthly progress -----------------------------------------------------------------------------


def month_value(month: date) -> str:
    return f"{month:%Y-%m}"


class MonthChoiceField(forms.ChoiceField):
    def __init__(self, *, months: list[date], **kwargs: Any) -> None:
        super().__init__(choices=[(month_value(m), format_roc_month(m)) for m in months], **kwargs)

    def clean(self, value: Any) -> date:
        return parse_month(str(super().clean(value)))


def helped(field: forms.Field, help_text: Any) -> forms.Field:
    field.help_text = help_text
    return field


class ProgressForm(forms.Form):
    month = forms.ChoiceField(label=_("Month reported"))
    actual_percent = percent_field(
        _("Actual cumulative progress (%)"),
        help_text=_("The physical progress reached by the end of the month, from 0 to 100."),
    )
    budget_allocated = amount_field(
        _("Budget allocated this year to date (NT$)"),
        help_text=_("Cumulative from January to the end of the month reported."),
    )
    budget_executed = amount_field(
        _("Budget executed this year to date (NT$)"),
        help_text=_("Cumulative from January to the end of the month reported."),
    )
    work_done = plain_text(
        _("Work done"), 4000, rows=4, required=_("Say what was done this month.")
    )
    problems = plain_text(_("Problems met"), 4000, rows=3)
    lag_reason = helped(
        plain_text(_("Reason for the lag"), 4000, rows=3),
        _(
            "Required when the month lags: progress behind plan, low budget execution or a late "
            "milestone."
        ),
    )
    remedy = plain_text(_("Remedy"), 4000, rows=3)
    decrease_reason = helped(
        plain_text(_("Why progress is lower than last month"), 2000, rows=2),
        _("Required only when progress went down."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, months: list[date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"] = MonthChoiceField(
            months=months,
            label=_("Month reported"),
            error_messages={
                "required": _("Choose the month reported."),
                "invalid_choice": _(
                    "That month cannot be reported now: it has not ended, lies outside the "
                    "programme or is locked."
                ),
            },
        )

    def figures(self) -> ProgressFigures:
        data = self.cleaned_data
        return ProgressFigures(
            actual_percent=data["actual_percent"],
            budget_allocated=data["budget_allocated"],
            budget_executed=data["budget_executed"],
            work_done=data["work_done"],
            problems=data["problems"],
            lag_reason=data["lag_reason"],
            remedy=data["remedy"],
            decrease_reason=data["decrease_reason"],
        )


def month_label_short(month: date) -> str:
    return format_roc_month_short(month)


# --- the commission's locks -----------------------------------------------------------------------


class LockForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))
    reason = plain_text(_("Reason for unlocking"), 1000, rows=2)

    def __init__(self, *args: Any, months: list[date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"] = MonthChoiceField(
            months=months,
            label=_("Month"),
            error_messages={"invalid_choice": _("Choose one of the listed months.")},
        )
