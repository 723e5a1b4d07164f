"""The project's form renderer: Django's own, except that selects are written here.

Django renders a select through a template that includes one template per option,
which itself includes the attributes' template: about 60 µs an option. A case page
carries several lists of the city's 84 agencies, and a worklist its districts and
categories, so the options cost more than the rest of the page. This renderer
writes the same markup in Python (escaped the same way), and hands every other
widget, and any select whose options use another template, to the templates.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', str(value)))
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _option(option: dict[str, Any]) -> SafeString:
    return format_html(
        '  <option value="{}"{}>{}</option>',
        str(option["value"]),
        _attrs(option["attrs"]),
        localize(option["label"]),
    )


def render_select(widget: dict[str, Any]) -> SafeString:
    lines = [format_html('<select name="{}"{}>', str(widget["name"]), _attrs(widget["attrs"]))]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            lines.append(format_html('  <optgroup label="{}">', localize(group_name)))
            lines.extend(_option(option) for option in options)
            lines.append(SafeString("  </optgroup>"))
        else:
            lines.extend(_option(option) for option in options)
    lines.append(SafeString("</select>"))
    return format_html_join("\n", "{}", ((line,) for line in lines))


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget") if template_name == SELECT else None
        if widget is not None and all(
            option["template_name"] == OPTION
            for _name, options, _index in widget["optgroups"]
            for option in options
        ):
            return render_select(widget)
        return super().render(template_name, context, request)
