"""Core form helpers: plain text, and fields shared between a form's instances."""

from django import forms

from yankao.core.forms import PlainTextField, fields_shared


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
