from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.accounts.models import User
from yankao.core.forms import ModelChoiceField
from yankao.organisation.models import Agency
from yankao.organisation.reference import active_agency_choices


class VersionedForm(forms.Form):
    """Every action form carries the item version the user saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReasonForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class ReplyForm(VersionedForm):
    reply = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )


class AgencyChoiceField(ModelChoiceField):
    """An active agency: offered from the in-memory list (organisation.reference),
    checked against the database when chosen."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Agency.objects.filter(is_active=True), **kwargs)
        self.choices = lambda: [("", self.empty_label), *active_agency_choices()]


class TransferForm(ReasonForm):
    to_agency = AgencyChoiceField(label=_("Transfer to"))


class CoHandlerForm(VersionedForm):
    agency = AgencyChoiceField(label=_("Co-handling agency"))
    reason = forms.CharField(
        label=_("What is asked of them"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignForm(VersionedForm):
    to_user = ModelChoiceField(label=_("Handler"), queryset=User.objects.none())

    def __init__(self, *args: object, agency_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["to_user"]
        assert isinstance(field, ModelChoiceField)
        field.queryset = User.objects.filter(agency_id=agency_id, is_active=True)


class ExtensionRequestForm(ReasonForm):
    amount = forms.IntegerField(
        label=_("Additional time (in the item's unit)"), min_value=1, max_value=60
    )


class ExtensionDecisionForm(VersionedForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Reject"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(VersionedForm):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class WorklistFilterForm(forms.Form):
    """The worklist's filters (GET). Invalid values are ignored field by field."""

    q = forms.CharField(label=_("Number or title contains"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    agency = ModelChoiceField(
        label=_("Responsible agency"),
        required=False,
        queryset=Agency.objects.none(),
        empty_label=_("Any"),
    )
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", _("Any")),
            ("overdue", _("Overdue")),
            ("soon", _("Due by the end of the next working day")),
        ],
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        from yankao.tracking.kinds import all_kinds
        from yankao.tracking.models import OPEN_STATUSES, Status

        super().__init__(*args, **kwargs)
        any_choice = [("", _("Any"))]
        self.fields["status"].choices = any_choice + [  # type: ignore[attr-defined]
            (s.value, s.label) for s in Status if s in OPEN_STATUSES
        ]
        self.fields["kind"].choices = any_choice + [  # type: ignore[attr-defined]
            (k.key, k.label) for k in all_kinds()
        ]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
