"""Small helpers the browser tests share: keyboard moves and what the page shows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page

from tests import factories
from yankao.accounts.models import User
from yankao.tracking.models import TrackedItem

PASSWORD = "browser-tests-only-password"


@dataclass
class City:
    staff: factories.Staff
    overdue: TrackedItem
    fresh: TrackedItem


def sign_in(page: Page, user: User, base_url: str) -> None:
    """Give the browser a signed-in session of `user`, without the sign-in form
    (which has its own keyboard test)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}]
    )


HAN = re.compile(r"[\u4e00-\u9fff]")

# What the focused element is, in a few words (for assertion messages).
DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  const id = el.id ? "#" + el.id : "";
  const text = (el.innerText || el.value || "").trim().slice(0, 30);
  return `${el.tagName.toLowerCase()}${id} "${text}"`;
}"""


def focused(page: Page) -> str:
    return str(page.evaluate(DESCRIBE_FOCUS))


def focus_matches(page: Page, selector: str, text: str | None = None) -> bool:
    return bool(
        page.evaluate(
            """([selector, text]) => {
              const el = document.activeElement;
              return !!el && el.matches(selector)
                && (text === null || el.textContent.trim() === text);
            }""",
            [selector, text],
        )
    )


def tab_to(page: Page, selector: str, text: str | None = None, limit: int = 20) -> list[str]:
    """Press Tab until the focused element matches; fail if it is not reached in
    `limit` presses. Returns the stops on the way, for messages."""
    stops: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if focus_matches(page, selector, text):
            return stops
    raise AssertionError(f"Tab never reached {selector} {text or ''}; stops: {stops}")


INTERACTIVE_ROLES = {
    "button",
    "checkbox",
    "combobox",
    "DisclosureTriangle",  # Chromium's role for <summary>
    "link",
    "listbox",
    "menuitem",
    "radio",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "tab",
    "textbox",
}


def unnamed_controls(page: Page) -> list[str]:
    """Interactive elements whose accessible name, as Chromium computes it for
    assistive technology, is empty."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Accessibility.enable")
        nodes: list[dict[str, Any]] = cdp.send("Accessibility.getFullAXTree")["nodes"]
        missing = []
        for node in nodes:
            role = node.get("role", {}).get("value")
            name = str(node.get("name", {}).get("value", "")).strip()
            if node.get("ignored") or role not in INTERACTIVE_ROLES or name:
                continue
            html = cdp.send("DOM.getOuterHTML", {"backendNodeId": node["backendDOMNodeId"]})
            missing.append(f"{role}: {html['outerHTML'][:120]}")
        return missing
    finally:
        cdp.detach()


def dangling_idrefs(page: Page) -> list[str]:
    """aria-describedby / aria-labelledby / label[for] that point at no element."""
    return list(
        page.evaluate(
            """() => {
              const bad = [];
              for (const el of document.querySelectorAll(
                  "[aria-describedby], [aria-labelledby], label[for]")) {
                const refs = [
                  ...(el.getAttribute("aria-describedby") || "").split(/\\s+/),
                  ...(el.getAttribute("aria-labelledby") || "").split(/\\s+/),
                  el.getAttribute("for") || "",
                ].filter(Boolean);
                for (const ref of refs) {
                  const html = el.outerHTML.slice(0, 100);
                  if (!document.getElementById(ref)) bad.push(`${html} -> #${ref}`);
                }
              }
              return bad;
            }"""
        )
    )


def open_all_details(page: Page) -> None:
    """Expand every <details> so the controls of collapsed action forms are checked."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
