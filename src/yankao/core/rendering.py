"""The project's form renderer: Django's own, except that selects, inputs and text
areas are written here.

Django renders a select through a template that includes one template per option,
which itself includes the attributes' template: about 60 µs an option. A case page
carries several lists of the city's 84 agencies, and a worklist its districts and
categories, so the options cost more than the rest of the page. An input or a text
area goes through two or three templates too (about 0.5 ms each; a case page has a
dozen). This renderer writes the same markup in Python (escaped the same way), and
hands every other widget, and any select whose options use another template, to
the templates.
"""

from __future__ import annotations

import html
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.safestring import SafeString

WIDGETS = "django/forms/widgets/"
SELECT = f"{WIDGETS}select.html"
OPTION = f"{WIDGETS}select_option.html"
TEXTAREA = f"{WIDGETS}textarea.html"
# Django's templates that are input.html and nothing else.
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        *("input", "text", "hidden", "number", "email", "url", "password", "search"),
        *("tel", "color", "date", "datetime", "time", "checkbox", "file"),
    )
)


def _escaped(value: Any) -> str:
    """conditional_escape without its wrapping: safe values as they are, the rest
    escaped. The select is put together as plain strings and marked safe once,
    since format_html for every option and attribute cost more than the rest."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {_escaped(name)}" if value is True else f' {_escaped(name)}="{_escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(option: dict[str, Any]) -> str:
    value, label = _escaped(option["value"]), _escaped(localize(option["label"]))
    return f'  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>'


def render_select(widget: dict[str, Any]) -> SafeString:
    lines = [f'<select name="{_escaped(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            lines.append(f'  <optgroup label="{_escaped(localize(group_name))}">')
            lines.extend(_option(option) for option in options)
            lines.append("  </optgroup>")
        else:
            lines.extend(_option(option) for option in options)
    lines.append("</select>")
    return SafeString("\n".join(lines))


def render_input(widget: dict[str, Any]) -> SafeString:
    """input.html: the value as written (`stringformat:'s'`), left out when None."""
    value = "" if widget["value"] is None else f' value="{_escaped(widget["value"])}"'
    kind, name = _escaped(widget["type"]), _escaped(widget["name"])
    return SafeString(f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>')


def render_textarea(widget: dict[str, Any]) -> SafeString:
    """textarea.html: a line break after the opening tag, then the text, if any."""
    text = _escaped(localize(widget["value"])) if widget["value"] else ""
    name = _escaped(widget["name"])
    return SafeString(f'<textarea name="{name}"{_attrs(widget["attrs"])}>\n{text}</textarea>')


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if widget is not None and template_name.startswith(WIDGETS):
            if template_name in INPUTS:
                return render_input(widget)
            if template_name == TEXTAREA:
                return render_textarea(widget)
            if template_name == SELECT and all(
                option["template_name"] == OPTION
                for _name, options, _index in widget["optgroups"]
                for option in options
            ):
                return render_select(widget)
        return super().render(template_name, context, request)
