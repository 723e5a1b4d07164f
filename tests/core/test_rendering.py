"""Selects, inputs and text areas written by the project's form renderer are the
markup Django's own templates write, for every kind the pages use."""

from datetime import date

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html
from django.utils.translation import gettext_lazy, override

from yankao.core.rendering import FormRenderer

STOCK = DjangoTemplates()
OURS = FormRenderer()


def both(widget: forms.Widget, name: str, value: object) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs={"id": f"id_{name}"}, renderer=STOCK),
        widget.render(name, value, attrs={"id": f"id_{name}"}, renderer=OURS),
    )


CHOICES = [
    ("", "—"),
    ("1", "新興區"),
    ("2", 'A "quoted" <b>label</b> & more'),
    (3, 1234567),  # a number as a label is localised, as in a template
    ('x"><script>', gettext_lazy("Any")),
]
GROUPS = [
    ("", "Any"),
    ("道路", [("0101", "坑洞"), ("0102", "人行道")]),
    ("路燈", [("0201", "路燈不亮")]),
]


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), "2"),
        (forms.Select(choices=CHOICES), None),
        (forms.Select(choices=CHOICES, attrs={"required": True, "disabled": False}), "1"),
        (forms.Select(choices=GROUPS), "0102"),
        (forms.SelectMultiple(choices=GROUPS), ["0101", "0201"]),
        (forms.NullBooleanSelect(), True),
    ],
)
def test_a_select_is_the_markup_the_stock_templates_write(widget, value):
    for language in ("zh-hant", "en"):
        with override(language):
            stock, ours = both(widget, "field", value)
            assert parse_html(ours) == parse_html(stock)
            assert "<script>" not in ours


HOSTILE = '"><script>alert(1)</script>&amp;'


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.TextInput(attrs={"maxlength": 200, "required": True, "autofocus": False}), "路燈"),
        (forms.TextInput(), HOSTILE),
        (forms.TextInput(), None),
        (forms.TextInput(), ""),
        (forms.HiddenInput(), 7),
        (forms.NumberInput(attrs={"min": 0, "step": "any"}), 1234567),
        (forms.NumberInput(), 1.5),
        (forms.EmailInput(), "ming@example.invalid"),
        (forms.PasswordInput(render_value=True), HOSTILE),
        (forms.PasswordInput(), "not shown"),
        (forms.DateInput(attrs={"type": "date"}), "2026-11-27"),
        (forms.DateInput(), date(2026, 11, 27)),
        (forms.URLInput(), "https://example.invalid/?a=1&b=2"),
        (forms.CheckboxInput(), True),
        (forms.CheckboxInput(), False),
        (forms.FileInput(attrs={"accept": "image/*,application/pdf"}), None),
        (forms.Textarea(attrs={"rows": 4, "aria-describedby": "help"}), "一\n<b>二</b> & 3"),
        (forms.Textarea(), HOSTILE),
        (forms.Textarea(), None),
        (forms.Textarea(), ""),
        (forms.Textarea(), 1234567),
    ],
)
def test_an_input_or_text_area_is_the_markup_the_stock_templates_write(widget, value):
    for language in ("zh-hant", "en"):
        with override(language):
            stock, ours = both(widget, "field", value)
            assert ours == stock
            assert "<script>" not in ours


def test_a_widget_with_a_template_of_its_own_is_left_to_the_templates():
    widget = forms.ClearableFileInput()
    assert widget.render("f", None, renderer=OURS) == widget.render("f", None, renderer=STOCK)
    radios = forms.RadioSelect(choices=[("1", "是"), ("2", "否")])
    assert radios.render("r", "1", renderer=OURS) == radios.render("r", "1", renderer=STOCK)


def test_a_selected_option_is_marked_and_the_text_escaped():
    html = forms.Select(choices=CHOICES).render("d", "2", renderer=OURS)
    escaped = "A &quot;quoted&quot; &lt;b&gt;label&lt;/b&gt; &amp; more"
    assert f'<option value="2" selected>{escaped}</option>' in html
    assert html.count(" selected") == 1


def test_a_select_whose_options_use_another_template_is_left_to_the_templates():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Custom(choices=[("1", "one")])
    assert widget.render("c", "1", renderer=OURS) == widget.render("c", "1", renderer=STOCK)


def test_the_pages_use_it(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)
