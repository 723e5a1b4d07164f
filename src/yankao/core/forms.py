"""Form fields every business uses: text as a person typed it, and uploaded files
checked by their content (yankao.core.uploads). Messages are whole translatable
sentences; text is kept as plain text and escaped wherever it is shown."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from typing import Any, TypeVar

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yankao.core.uploads import MAX_FILES, AttachmentRefused, CheckedFile, check_file

# Control characters other than tab and line breaks have no place in what people write.
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"} | {chr(127)}
_WITHOUT_CONTROL = dict.fromkeys(map(ord, _CONTROL))  # a str.translate table deleting them

FormClass = TypeVar("FormClass", bound=type[forms.Form])


class PlainTextField(forms.CharField):
    """Text as the person typed it, normalised (NFC) and without control characters."""

    def to_python(self, value: Any) -> str:
        text = unicodedata.normalize("NFC", super().to_python(value) or "")
        return text.translate(_WITHOUT_CONTROL)


class _SharedFields(dict[str, forms.Field]):
    """A form's base fields that its instances share: Django deep-copies the base
    fields for every instance, and this copy is the dictionary alone."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


def fields_shared(form_class: FormClass) -> FormClass:
    """Class decorator for a form that validates and is never rendered (an API's):
    its instances share the field objects instead of deep-copying them (about a
    third of a millisecond per instance for a dozen fields). Only for fields
    nothing changes per instance; subclasses get their own copies again."""
    form_class.base_fields = _SharedFields(form_class.base_fields)
    return form_class


def plain_text(
    label: Any,
    max_length: int,
    *,
    required: Any = None,
    rows: int = 0,
    **attrs: Any,
) -> PlainTextField:
    """A plain-text field: `required` is the message shown when it is left empty
    (None: optional); `rows` makes it a text area; `attrs` go on the widget."""
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs=attrs)
    messages = {
        "max_length": _("This can be at most %(limit_value)d characters (it has %(show_value)d).")
    }
    if required is not None:
        messages["required"] = required
    return PlainTextField(
        label=label,
        max_length=max_length,
        required=required is not None,
        widget=widget,
        error_messages=messages,
    )


TOO_MANY_FILES = _("Attach at most %(limit)d files (you chose %(count)d).")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class CheckedFilesField(forms.FileField):
    """Up to `max_files` files, each checked by its content and images re-encoded
    without metadata; with `content_types`, other kinds are refused with
    `wrong_type` (a message with %(name)s). Cleans to the list of files to store."""

    def __init__(
        self,
        *,
        max_files: int = MAX_FILES,
        content_types: Collection[str] | None = None,
        too_many: str | Promise = TOO_MANY_FILES,
        wrong_type: str | Promise = "",
        **kwargs: Any,
    ) -> None:
        accept = ",".join(content_types or ("image/jpeg", "image/png", "application/pdf"))
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(required=False, **kwargs)
        self.max_files = max_files
        self.content_types = set(content_types) if content_types else None
        self.too_many = too_many
        self.wrong_type = wrong_type

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > self.max_files:
            raise forms.ValidationError(
                self.too_many % {"limit": self.max_files, "count": len(uploads)},
                code="too_many",
            )
        checked, refused = [], []
        for upload in uploads:
            try:
                file = check_file(upload)
            except AttachmentRefused as error:
                refused.append(forms.ValidationError(str(error), code="refused"))
                continue
            if self.content_types is not None and file.content_type not in self.content_types:
                refused.append(
                    forms.ValidationError(self.wrong_type % {"name": file.name}, code="wrong_type")
                )
                continue
            checked.append(file)
        if refused:
            raise forms.ValidationError(refused)
        return checked


class PersonalDataForm(forms.Form):
    """The reason a member of staff gives before personal data is shown unmasked;
    it goes into the access log with who looked and when."""

    reason = PlainTextField(
        label=_("Why do you need the personal data?"),
        max_length=300,
        error_messages={"required": _("Say why you need the personal data.")},
    )


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """A model choice list read in one plain query. Django's own iterator reads it
    through `QuerySet.iterator()`, which on PostgreSQL opens a server-side cursor
    (DECLARE … WITH HOLD, FETCH, CLOSE): three round trips and a materialised result
    for a few dozen rows, about 3 ms a select."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoiceIterator
