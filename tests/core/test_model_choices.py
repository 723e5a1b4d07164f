"""Model choice lists are read in one plain query (no server-side cursor), and the
agency lists of the action forms come from memory."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yankao.core.forms import ModelChoiceField, ModelMultipleChoiceField
from yankao.organisation.models import Agency, District
from yankao.tracking.forms import TransferForm

pytestmark = pytest.mark.django_db


class Districts(forms.Form):
    one = ModelChoiceField(queryset=District.objects.order_by("sort_order"))
    several = ModelMultipleChoiceField(queryset=District.objects.order_by("sort_order"))


def test_a_select_of_model_choices_costs_one_plain_query():
    form = Districts()
    with CaptureQueriesContext(connection) as read:
        html = str(form["one"])
    assert len(read.captured_queries) == 1
    assert not read.captured_queries[0]["sql"].startswith("DECLARE")  # PostgreSQL's cursor
    for district in District.objects.all():
        assert f'<option value="{district.pk}">{district.name}</option>' in html


def test_a_multiple_choice_renders_and_validates_as_before():
    chosen = list(District.objects.order_by("pk")[:2])
    form = Districts(data={"one": chosen[0].pk, "several": [d.pk for d in chosen]})
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["several"]) == chosen
    assert form.cleaned_data["one"] == chosen[0]
    assert "selected" in str(form["several"])


def test_the_transfer_form_offers_the_active_agencies_from_memory_and_checks_the_choice():
    str(TransferForm()["to_agency"])  # read once
    with CaptureQueriesContext(connection) as read:
        html = str(TransferForm()["to_agency"])
    assert read.captured_queries == []
    active = Agency.objects.filter(is_active=True)
    assert html.count("<option") == active.count() + 1  # and the empty choice
    closed = active.first()
    closed.is_active = False
    closed.save()  # dropped from the list at once in this process
    assert f'value="{closed.pk}"' not in str(TransferForm()["to_agency"])
    refused = TransferForm(data={"version": 1, "reason": "移文", "to_agency": closed.pk})
    assert not refused.is_valid() and "to_agency" in refused.errors
