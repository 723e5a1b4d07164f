"""The ROC date form field."""

from datetime import date

import pytest
from django import forms
from django.utils import translation

from yankao.calendar.forms import ROCDateField


class When(forms.Form):
    day = ROCDateField()
    optional = ROCDateField(required=False)


@pytest.mark.parametrize("typed", ["115/11/26", "民國115年11月26日", "1151126", "2026-11-26"])
def test_roc_and_iso_input_is_cleaned_to_a_date(typed: str) -> None:
    form = When(data={"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": date(2026, 11, 26), "optional": None}


def test_a_bad_date_gets_an_error_with_an_example() -> None:
    with translation.override("en"):
        form = When(data={"day": "115/02/30"})
        assert not form.is_valid()
        assert form.errors["day"] == [
            "Enter a valid date, for example 115/11/26 (ROC year) or 2026-11-26."
        ]


def test_a_missing_required_date_is_an_error() -> None:
    form = When(data={"day": ""})
    assert not form.is_valid()
    assert "day" in form.errors


def test_initial_values_are_shown_as_roc_dates_in_chinese() -> None:
    with translation.override("zh-hant"):
        html = str(When(initial={"day": date(2026, 11, 26)})["day"])
    assert 'value="115/11/26"' in html


def test_initial_values_are_shown_as_iso_dates_in_english() -> None:
    with translation.override("en"):
        html = str(When(initial={"day": date(2026, 11, 26)})["day"])
    assert 'value="2026-11-26"' in html


def test_typed_text_is_shown_back_unchanged() -> None:
    with translation.override("zh-hant"):
        html = str(When(data={"day": "115/02/30"})["day"])
    assert 'value="115/02/30"' in html
