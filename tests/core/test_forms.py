"""Core form helpers: plain text, and fields shared between a form's instances."""

from decimal import Decimal

import pytest
from django import forms

from yankao.core.forms import (
    PhoneField,
    PlainTextField,
    PointRefused,
    city_point,
    clean_city_point,
    fields_shared,
    latitude_field,
    longitude_field,
    phone_digits,
)
from yankao.dispatch.forms import TicketForm
from yankao.hotline.forms import ConsoleForm
from yankao.legal.forms import BookingForm, LawyerAddForm, StaffBookingForm, WaitlistForm
from yankao.petitions.forms import IntakeForm, MailboxForm


@fields_shared
class Shared(forms.Form):
    name = forms.CharField(max_length=5)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])


class Child(Shared):
    extra = forms.CharField(required=False)


def test_instances_of_a_shared_form_use_the_same_fields_and_validate_alone():
    first, second = Shared({"name": "ok", "kind": "a"}), Shared({"name": "too long", "kind": "c"})
    assert first.fields["name"] is second.fields["name"] is Shared.base_fields["name"]
    assert first.is_valid() and first.cleaned_data == {"name": "ok", "kind": "a"}
    assert not second.is_valid() and set(second.errors) == {"name", "kind"}
    assert first.errors == {}  # the other instance's errors stay its own


def test_an_instance_may_still_drop_or_reorder_its_own_fields():
    form = Shared({"name": "ok", "kind": "a"})
    del form.fields["kind"]
    assert "kind" in Shared({}).fields


def test_a_subclass_and_other_forms_copy_their_fields_as_django_does():
    child = Child({"name": "ok", "kind": "a"})
    assert child.fields["name"] is not Child.base_fields["name"]


def test_plain_text_drops_control_characters_but_keeps_line_breaks_and_tabs():
    field = PlainTextField()
    assert field.clean("a\x00b\x07c\x7f\td\r\ne") == "abc\td\r\ne"
    assert field.clean("e\u0301") == "\u00e9"  # NFC


# --- phone numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("0912-345-678", "0912-345-678"),
        ("0912345678", "0912345678"),
        ("07-336-8333", "07-336-8333"),
        ("(07) 336 8333", "(07) 336 8333"),
        ("  +886 912 345 678 ", "+886 912 345 678"),
        ("07-336-8333#123", "07-336-8333#123"),
        ("０９１２－３４５－６７８", "0912-345-678"),  # typed full-width
        ("0912  345   678", "0912 345 678"),
    ],
)
def test_a_phone_number_in_a_taiwanese_form_is_accepted_and_normalised(typed, cleaned):
    assert PhoneField().clean(typed) == cleaned


@pytest.mark.parametrize(
    "typed",
    [
        "call me maybe",
        "0912-345-67x",
        "1999",  # the city's own line, not a number to call anyone back on
        "123456",  # six digits: too few for any Taiwanese number
        "0912345678901234",  # sixteen digits: too many
        "+886 9123 4567 8901 2345",
    ],
)
def test_anything_else_is_refused_with_the_example_in_chinese(typed):
    with pytest.raises(forms.ValidationError) as refused:
        PhoneField().clean(typed)
    assert refused.value.messages == ["請以數字填寫電話號碼，例如 0912-345-678 或 07-336-8333。"]


def test_an_optional_phone_may_be_left_empty():
    assert PhoneField(required=False).clean("  ") == ""


def test_phone_digits_read_the_country_code_as_the_domestic_zero():
    assert phone_digits("+886 912-345-678") == phone_digits("0912 345 678") == "0912345678"


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (MailboxForm, "phone"),
        (IntakeForm, "phone"),
        (TicketForm, "reporter_phone"),
        (BookingForm, "phone"),
        (WaitlistForm, "phone"),
        (StaffBookingForm, "phone"),
        (LawyerAddForm, "phone"),
    ],
)
def test_every_business_form_takes_phones_with_the_one_field(form, field):
    assert type(form.base_fields[field]) is PhoneField


# --- a point on the map, inside the city ------------------------------------------------------


class Pinned(forms.Form):
    latitude = latitude_field()
    longitude = longitude_field()

    def clean(self):
        cleaned = super().clean() or {}
        clean_city_point(self, cleaned)
        return cleaned


def test_a_point_inside_the_city_is_kept_to_six_places():
    form = Pinned({"latitude": "22.62730049", "longitude": " 120.3014 "})
    assert form.is_valid()
    assert (form.cleaned_data["latitude"], form.cleaned_data["longitude"]) == (
        Decimal("22.627300"),
        Decimal("120.301400"),
    )


def test_no_point_at_all_is_no_point():
    form = Pinned({"latitude": "", "longitude": ""})
    assert form.is_valid() and form.cleaned_data["latitude"] is None


@pytest.mark.parametrize(
    ("latitude", "longitude", "field", "message"),
    [
        ("22.6273", "", "longitude", "請同時填寫緯度與經度，或兩者皆不填。"),
        ("", "120.3014", "latitude", "請同時填寫緯度與經度，或兩者皆不填。"),
        ("north", "120.3", "latitude", "請以數字輸入緯度，例如 22.627300。"),
        ("22.6", "NaN", "longitude", "請以數字輸入經度，例如 120.301400。"),
        ("25.0330", "121.0", "latitude", "不在高雄市範圍內"),  # Taipei: too far north
        ("22.6273", "1e308", "longitude", "不在高雄市範圍內"),
        ("120.3014", "22.6273", "latitude", "緯度在前"),  # swapped
    ],
)
def test_a_wrong_point_is_refused_beside_the_field_at_fault(latitude, longitude, field, message):
    form = Pinned({"latitude": latitude, "longitude": longitude})
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]


def test_the_city_bounds_come_from_the_settings(settings):
    taipei = {"latitude": "25.033000", "longitude": "121.565400"}
    assert not Pinned(taipei).is_valid()
    settings.MAP_BOUNDS = ((24.9, 121.4), (25.2, 121.7))
    assert Pinned(taipei).is_valid()
    south, west, north, east = 24.9, 121.4, 25.2, 121.7
    with pytest.raises(PointRefused, match=f"{south}.*{north}.*{west}.*{east}"):
        city_point("22.6273", "120.3014")


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (MailboxForm, "latitude"),
        (IntakeForm, "longitude"),
        (TicketForm, "latitude"),
        (ConsoleForm, "longitude"),
    ],
)
def test_every_business_form_takes_the_point_with_the_core_fields(form, field):
    ours = Pinned.base_fields[field]
    theirs = form.base_fields[field]
    assert type(theirs) is type(ours)
    assert theirs.widget.attrs == ours.widget.attrs
