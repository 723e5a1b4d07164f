"""Forms of the web mailbox, the staff intake and the petition page. Every message
is a whole translatable sentence; text is kept as plain text (never as HTML) and
escaped wherever it is shown."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.core.forms import (
    CheckedFilesField,
    ModelChoiceField,
    PhoneField,
    PlainTextField,
    clean_city_point,
    latitude_field,
    longitude_field,
    plain_text,
)
from yankao.core.uploads import PUBLIC, STAFF, UploadLimits
from yankao.organisation.models import District
from yankao.petitions.models import Category, Channel, Disposition
from yankao.petitions.selectors import categories_for_choice
from yankao.search.forms import QueryField

SUBJECT_MAX = 100
CONTENT_MAX = 4000
NAME_MAX = 50
ADDRESS_MAX = 200


def _text(
    label: Any, max_length: int, *, required: Any = None, textarea: bool = False
) -> PlainTextField:
    return plain_text(label, max_length, required=required, rows=8 if textarea else 0)


class CategoryField(forms.TypedChoiceField):
    """The two-level category: sub-items (子項) grouped under their main item (主項)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, empty_value=None, **kwargs)

    def load_choices(self, *, codes: bool = True) -> None:
        self.choices = [("", "—"), *categories_for_choice(codes=codes)]

    def clean(self, value: Any) -> Category:
        pk = super().clean(value)
        category = Category.objects.filter(pk=pk, is_active=True).first()
        if category is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid")
        return category


def _attachments(help_text: Any, limits: UploadLimits = STAFF) -> CheckedFilesField:
    """Up to MAX_FILES pictures (JPEG, PNG) or PDF documents, decoded within `limits`."""
    return CheckedFilesField(label=_("Attachments"), help_text=help_text, limits=limits)


class PetitionFieldsForm(forms.Form):
    """The fields the mailbox and the intake share."""

    category = CategoryField(
        label=_("Category"),
        error_messages={
            "required": _("Choose the category that fits your petition best."),
            "invalid_choice": _("Choose one of the listed categories."),
        },
    )
    subject = _text(_("Subject"), SUBJECT_MAX, required=_("Write a short subject."))
    content = _text(
        _("What you ask or suggest"),
        CONTENT_MAX,
        textarea=True,
        required=_("Describe the matter: what, where and since when."),
    )
    district = ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("Choose one of the listed districts.")},
    )
    address = _text(_("Address or place"), ADDRESS_MAX)
    latitude = latitude_field(
        _("Optional: click the map to set both, or type them, e.g. 22.627300.")
    )
    longitude = longitude_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, CategoryField)
        category.load_choices(codes=self.category_codes)
        # Keep the fields in the order of the page, as declared below.
        self.order_fields(self.field_order_for_page)

    # Staff know the city's category codes; citizens see the names only.
    category_codes = True

    field_order_for_page = [
        "channel",
        "category",
        "subject",
        "content",
        "district",
        "address",
        "latitude",
        "longitude",
        "attachments",
        "name",
        "phone",
        "email",
        "postal_address",
        "anonymous",
        "website",
    ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        clean_city_point(self, cleaned)
        return cleaned


class MailboxForm(PetitionFieldsForm):
    """The public web mailbox (市長信箱). `website` is a trap for robots: it is
    hidden from people, so anything in it means the sender is not one."""

    category_codes = False

    name = _text(_("Your name"), NAME_MAX, required=_("Enter your name."))
    email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=254,
        help_text=_(
            "We send a confirmation link here; the petition is registered once you open it."
        ),
        error_messages={
            "required": _("Enter your e-mail address: we send the confirmation link there."),
            "invalid": _("Enter a valid e-mail address, for example name@example.com."),
        },
    )
    phone = PhoneField(label=_("Your phone"), required=False)
    attachments = _attachments(
        _(
            "Up to 5 photos (JPEG, PNG) or PDF documents, 10 MB each. Location and camera "
            "data are removed from photos. If the form shows an error, choose the files again."
        ),
        limits=PUBLIC,
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class IntakeForm(PetitionFieldsForm):
    """The staff intake for petitions by counter, phone, letter or fax."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            (c.value, c.label)
            for c in (Channel.PHONE, Channel.COUNTER, Channel.LETTER, Channel.FAX)
        ],
    )
    name = _text(_("Petitioner's name"), NAME_MAX)
    phone = PhoneField(label=_("Petitioner's phone"), required=False)
    email = forms.EmailField(
        label=_("Petitioner's e-mail"),
        max_length=254,
        required=False,
        error_messages={
            "invalid": _("Enter a valid e-mail address, for example name@example.com.")
        },
    )
    postal_address = _text(_("Petitioner's postal address"), ADDRESS_MAX)
    anonymous = forms.BooleanField(label=_("The petitioner asks to stay anonymous"), required=False)
    attachments = _attachments(
        _("The scan of a letter or fax, or photos: up to 5 files (JPEG, PNG, PDF), 10 MB each.")
    )


class UnhandledForm(forms.Form):
    """Close a petition that may be left unhandled (要點 第14點)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    disposition = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (d.value, d.label)
            for d in (
                Disposition.NO_CONTENT,
                Disposition.NO_IDENTITY,
                Disposition.REPEAT,
                Disposition.NOT_COMPETENT,
            )
        ],
    )
    repeat_of = forms.CharField(
        label=_("Case number of the earlier petition (for a repeat)"),
        max_length=20,
        required=False,
    )


class RelationForm(forms.Form):
    """Merge this petition into another case, or mark the two as related, by the
    other case's number."""

    number = forms.CharField(
        label=_("Case number of the other petition"),
        max_length=20,
        error_messages={"required": _("Enter the other case's number, e.g. 1151126-000123.")},
    )
    how = forms.ChoiceField(
        choices=[("merge", "merge"), ("link", "link"), ("unlink", "unlink")],
        widget=forms.HiddenInput,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Case number"),
        max_length=20,
        error_messages={"required": _("Enter the case number, for example 1151126-000123.")},
    )
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        error_messages={"required": _("Enter the verification code we gave you.")},
    )


class RatingForm(forms.Form):
    """The petitioner's rating on the public tracking page; the case number and code
    travel in hidden fields, as they came from the look-up."""

    number = forms.CharField(widget=forms.HiddenInput, max_length=20)
    code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with the handling of your petition?"),
        choices=[
            (5, _("5 — very satisfied")),
            (4, _("4 — satisfied")),
            (3, _("3 — neither satisfied nor dissatisfied")),
            (2, _("2 — dissatisfied")),
            (1, _("1 — very dissatisfied")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )
    comment = _text(_("Comment (optional)"), 1000, textarea=True)


class CaseSearchForm(forms.Form):
    """The search of similar past cases (/search/cases/)."""

    q = QueryField(
        label=_("Words from the case"),
        widget=forms.SearchInput(attrs={"autofocus": True, "autocomplete": "off"}),
        help_text=_("Every word must appear, for example: 路燈 不亮 三民區."),
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=50, widget=forms.HiddenInput)
    exclude = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
