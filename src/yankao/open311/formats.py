"""The two formats of GeoReport v2, exactly as the spec names and orders them.

Every answer is built once as plain Python (lists of dicts with keys in the
spec's order) and then written as JSON or as XML. Each XML document has a root
element and one element per list entry (`<services><service>…`); a value that
is a list of dicts becomes nested elements, None an empty element, booleans are
`true`/`false` in both formats.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from yankao.core.taipei import TAIPEI

JSON = "json"
XML = "xml"
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}

# The root element of each document and the element of each of its entries.
SERVICES = ("services", "service")
REQUESTS = ("service_requests", "request")
ERRORS = ("errors", "error")
# Nested lists inside an entry: the element of each of their items.
ITEM_ELEMENTS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def w3c(moment: datetime | None) -> str | None:
    """A moment in W3C form in Taipei time: 2026-11-26T10:00:00+08:00."""
    if moment is None:
        return None
    return timezone.localtime(moment, TAIPEI).isoformat(timespec="seconds")


# Characters XML 1.0 cannot carry at all, even escaped; text from other channels
# may hold one, and a client's parser would then reject the whole document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _escape(text: str) -> str:
    # As ElementTree escapes text: &, < and > (quotes need no escape outside attributes).
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _fill(out: list[str], name: str, value: Any) -> None:
    """One element, written as ElementTree would write it (`<name />` when empty),
    straight into `out`: building a tree of elements for a page of 1,000 requests
    cost more than reading them."""
    if isinstance(value, Mapping):
        if not value:
            out.append(f"<{name} />")
            return
        out.append(f"<{name}>")
        for key, inner in value.items():
            _fill(out, key, inner)
        out.append(f"</{name}>")
    elif isinstance(value, Sequence) and not isinstance(value, str):
        if not value:
            out.append(f"<{name} />")
            return
        child = ITEM_ELEMENTS.get(name, "item")
        out.append(f"<{name}>")
        for entry in value:
            _fill(out, child, entry)
        out.append(f"</{name}>")
    else:
        text = "" if value is None else _text(value)
        out.append(f"<{name}>{_escape(text)}</{name}>" if text else f"<{name} />")


def xml_document(root: str, entry: str | None, body: Any) -> bytes:
    """`body` as XML under `root`: a list gives one `entry` element per item, a dict
    gives the root's children directly (the discovery document)."""
    if isinstance(body, Mapping):
        children = list(body.items())
    else:
        children = [(entry or "item", item) for item in body]
    out = ["<?xml version='1.0' encoding='utf-8'?>\n"]
    if not children:
        out.append(f"<{root} />")
    else:
        out.append(f"<{root}>")
        for name, value in children:
            _fill(out, name, value)
        out.append(f"</{root}>")
    return "".join(out).encode()


def respond(
    fmt: str,
    body: Any,
    names: tuple[str, str | None],
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    if fmt == XML:
        content = xml_document(names[0], names[1], body)
    else:
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    response = HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response
