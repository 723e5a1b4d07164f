"""Form fields every business uses: text as a person typed it, phone numbers,
a map point inside the city, and uploaded files checked by their content
(yankao.core.uploads); the ROC date field is the calendar's
(yankao.calendar.forms.ROCDateField). Messages are whole translatable sentences;
text is kept as plain text and escaped wherever it is shown."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeVar

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yankao.core.geography import city_bounds
from yankao.core.uploads import (
    MAX_FILES,
    STAFF,
    AttachmentRefused,
    CheckedFile,
    InspectedFile,
    UploadLimits,
    clean_name,
    finish_file,
    inspect_file,
    too_many_pixels_together,
)

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
    `wrong_type` (a message with %(name)s). Every file is inspected from its header
    before any is decoded, within `limits` (the sender's: STAFF or PUBLIC). Cleans
    to the list of files to store."""

    def __init__(
        self,
        *,
        max_files: int = MAX_FILES,
        content_types: Collection[str] | None = None,
        too_many: str | Promise = TOO_MANY_FILES,
        wrong_type: str | Promise = "",
        limits: UploadLimits = STAFF,
        **kwargs: Any,
    ) -> None:
        accept = ",".join(content_types or ("image/jpeg", "image/png", "application/pdf"))
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(required=False, **kwargs)
        self.max_files = max_files
        self.content_types = set(content_types) if content_types else None
        self.too_many = too_many
        self.wrong_type = wrong_type
        self.limits = limits

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > self.max_files:
            raise forms.ValidationError(
                self.too_many % {"limit": self.max_files, "count": len(uploads)},
                code="too_many",
            )
        inspected = self._inspected(uploads)
        together = too_many_pixels_together(inspected, self.limits)
        if together is not None:
            raise forms.ValidationError(str(together), code="too_many_pixels")
        checked, refused = [], []
        for found in inspected:
            try:
                checked.append(finish_file(found))
            except AttachmentRefused as error:
                refused.append(forms.ValidationError(str(error), code="refused"))
        if refused:
            raise forms.ValidationError(refused)
        return checked

    def _inspected(self, uploads: list[Any]) -> list[InspectedFile]:
        """Every file checked from its header; nothing is decoded while one is refused."""
        inspected, refused = [], []
        for upload in uploads:
            try:
                found = inspect_file(upload, limits=self.limits)
            except AttachmentRefused as error:
                refused.append(forms.ValidationError(str(error), code="refused"))
                continue
            if self.content_types is not None and found.content_type not in self.content_types:
                name = clean_name(found.name, found.content_type)
                refused.append(
                    forms.ValidationError(self.wrong_type % {"name": name}, code="wrong_type")
                )
                continue
            inspected.append(found)
        if refused:
            raise forms.ValidationError(refused)
        return inspected


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


# --- phone numbers ----------------------------------------------------------------------------

PHONE_INVALID = _("Enter a phone number in digits, for example 0912-345-678 or 07-336-8333.")
# Digits with the separators people write (07-336-8333, (07) 336 8333, 0912 345 678,
# +886 912 345 678, an extension after #); 7 to 15 digits once +886 is read as 0:
# the strictest of the rules the businesses had.
_PHONE_SHAPE = re.compile(r"^\+?[0-9()#\- ]{7,30}$")
PHONE_DIGITS_MIN, PHONE_DIGITS_MAX = 7, 15


def phone_normalised(text: str) -> str:
    """A phone number as typed, with full-width characters made plain (０９１２ →
    0912) and spaces trimmed and collapsed; separators are kept as written."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def phone_digits(phone: str) -> str:
    """The digits of a phone number, +886 written as the domestic 0: the form to
    compare two numbers by."""
    phone = phone_normalised(phone)
    digits = "".join(char for char in phone if char.isdigit())
    if phone.startswith("+886") and digits.startswith("886"):
        digits = "0" + digits[3:]
    return digits


def phone_is_valid(phone: str) -> bool:
    phone = phone_normalised(phone)
    count = len(phone_digits(phone))
    return bool(_PHONE_SHAPE.match(phone)) and PHONE_DIGITS_MIN <= count <= PHONE_DIGITS_MAX


class PhoneField(forms.CharField):
    """A Taiwanese phone number (mobile or landline, +886 or not, an extension
    after #), cleaned to `phone_normalised`."""

    default_error_messages = {"invalid": PHONE_INVALID}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return phone_normalised(super().to_python(value) or "")

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not phone_is_valid(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


# --- a point on the map, inside the city ------------------------------------------------------

LATITUDE_INVALID = _("Enter the latitude as a number, e.g. 22.627300.")
LONGITUDE_INVALID = _("Enter the longitude as a number, e.g. 120.301400.")
BOTH_OR_NEITHER = _("Give both the latitude and the longitude, or neither.")
OUTSIDE_CITY = _(
    "The point %(lat)s, %(lon)s is outside Kaohsiung City (latitude "
    "%(south)s to %(north)s, longitude %(west)s to %(east)s). Check the "
    "pin or the numbers: latitude comes first."
)
_MICRODEGREE = Decimal("0.000001")  # about 11 cm: what the models store


class PointRefused(ValueError):
    """A map point refused: `message` fit to show, next to the form field `field`."""

    def __init__(self, message: Any, field: str) -> None:
        super().__init__(str(message))
        self.message, self.field = str(message), field


def _degrees(value: object, message: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise PointRefused(message, field) from None
    if not number.is_finite():
        raise PointRefused(message, field)
    return number


def city_point(latitude: object, longitude: object) -> tuple[Decimal | None, Decimal | None]:
    """A latitude and longitude as typed (text or numbers): both or neither, in
    decimal degrees inside the city's bounds (YANKAO_CITY_BOUNDS), to six places.
    Raises PointRefused naming the field at fault."""
    blank = (None, "")
    if latitude in blank and longitude in blank:
        return None, None
    if latitude in blank or longitude in blank:
        raise PointRefused(BOTH_OR_NEITHER, "latitude" if latitude in blank else "longitude")
    lat = _degrees(latitude, LATITUDE_INVALID, "latitude")
    lon = _degrees(longitude, LONGITUDE_INVALID, "longitude")
    south, west, north, east = city_bounds()
    lat_inside, lon_inside = south <= lat <= north, west <= lon <= east
    if not (lat_inside and lon_inside):  # checked before rounding: 1e308 cannot be rounded
        bounds = {"south": south, "north": north, "west": west, "east": east}
        raise PointRefused(
            OUTSIDE_CITY % {"lat": lat, "lon": lon, **bounds},
            "latitude" if not lat_inside else "longitude",
        )
    return (
        lat.quantize(_MICRODEGREE, rounding=ROUND_HALF_UP),
        lon.quantize(_MICRODEGREE, rounding=ROUND_HALF_UP),
    )


def _coordinate_field(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=40,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


PICK_ON_MAP = _("Click the map to set both, or type them, e.g. 22.627300.")
LONGITUDE_EXAMPLE = _("e.g. 120.301400.")


def latitude_field(help_text: Any = PICK_ON_MAP) -> forms.CharField:
    """A latitude typed or set by clicking the map beside it (the inputs are the
    keyboard's way in); checked with the longitude by `clean_city_point`."""
    return _coordinate_field(_("Latitude"), help_text)


def longitude_field(help_text: Any = LONGITUDE_EXAMPLE) -> forms.CharField:
    return _coordinate_field(_("Longitude"), help_text)


def clean_city_point(form: forms.Form, cleaned: dict[str, Any]) -> bool:
    """In a form's clean(): check its `latitude` and `longitude` together (see
    city_point) and put them in `cleaned` as decimals, or the error beside the
    field at fault. False when refused."""
    try:
        lat, lon = city_point(cleaned.get("latitude"), cleaned.get("longitude"))
    except PointRefused as refused:
        form.add_error(refused.field, refused.message)
        return False
    cleaned["latitude"], cleaned["longitude"] = lat, lon
    return True
