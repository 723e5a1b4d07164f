"""Text in report files as text, never as something a spreadsheet runs (CSV or
formula injection, OWASP).

A cell whose text begins with = + - @ (or their full-width forms ＝＋－＠, which
spreadsheets with an East Asian input method read the same way), a tab or a carriage
return may be taken for a formula when the file is opened: `=HYPERLINK(…)` in an
agency's or a venue's name would send a click, and the sheet's figures, anywhere.
Numbers are never text in a `Table`, so a negative figure stays a number; only text
is looked at.

- CSV has no types: such text gets a leading apostrophe, which spreadsheets take as
  "what follows is text" (and which a reader of the file sees).
- XLSX and ODS have types: every text is written as a string cell, never a formula
  (openpyxl makes any string starting with "=" a formula unless told otherwise);
  XLSX also marks formula-like text with Excel's own "quote prefix", so editing the
  cell keeps it text.

Characters XML cannot hold (control characters other than tab and line breaks, lone
surrogates) are dropped from every cell: openpyxl refuses them and ODS would be an
unreadable file.
"""

from __future__ import annotations

import re

FORMULA_LEADS = frozenset("=+-@\t\r＝＋－＠")
_NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula."""
    return text[:1] in FORMULA_LEADS  # "" is not among them


def plain(text: str) -> str:
    """The text without characters no spreadsheet file can hold."""
    return _NOT_IN_XML.sub("", text)


def csv_text(text: str) -> str:
    """Text for a CSV cell: plain, and with an apostrophe before a formula-like start."""
    text = plain(text)
    return f"'{text}" if formula_like(text) else text
