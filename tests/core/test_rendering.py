"""Selects written by the project's form renderer are the markup Django's own
templates write, for every kind of select the pages use."""

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
