"""Personal identifiers in free text, found and masked before a citizen's own
words are published (the public list of Open311 requests). `core.masking` masks
a field known to hold a name or a phone; this module looks for identifiers
wherever a citizen typed them: "我的身分證A123456789，電話0912-345-678".

What is found, after full-width characters are read as their plain forms
(０９１２ is 0912, ＠ is @) and any dash as "-":
- national ID numbers (身分證統一編號, A123456789) and resident certificate numbers
  (統一證號: the new form A800000014, the old AB12345678). The shape alone, standing
  apart from other letters and digits, is enough: a mistyped number still points at
  its owner, and little else looks like it. Written with spaces or dashes
  (A 123 456 789), it is found when its check digit is right;
- mobile and landline numbers in the ways people write them: 0912-345-678,
  0912 345678, +886 912 345 678, (07)336-8333, 07-3368333, +886-7-336-8333,
  with an extension (#123, 分機123);
- e-mail addresses, also written name(at)example.com;
- vehicle plates with their dash: ABC-1234, AB-1234, 1234-AB, 123-ABC, ABC-123;
- long runs of digits (10 to 20: bank accounts, card and health-insurance card
  numbers) and card numbers in groups of four;
- after a word that names one (電話, 手機, 車牌, 帳號, 身分證, 護照, tel, plate,
  account…), the number that follows in looser shapes: 電話 336-8333, 車號 ABC1234.

What is left as typed: house numbers (建工路415巷12弄3號5樓之1), dates (2026-11-26,
115/11/26, 115年11月26日) and times, case and ticket numbers (1151126-000123,
派115-000123, 115-000123) and a case number typed without its dash, amounts, postal
codes, 1999, service codes (P-0103) and eight-digit business numbers.

Every identifier is replaced by the same fixed mask (○○○), which tells neither its
kind nor its length. Detection errs towards masking: a code that happens to look
like a plate (ISO-9001) is masked too, which costs the public reader little."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from yankao.core.masking import MASK

HIDDEN = MASK * 3

NATIONAL_ID = "national_id"
PHONE = "phone"
EMAIL = "email"
PLATE = "plate"
ACCOUNT = "account"


@dataclass(frozen=True)
class Identifier:
    kind: str
    start: int
    end: int


# --- reading full-width and other look-alike characters as plain ones -----------------------


def _plain_table() -> dict[int, str]:
    """One character for one, so that a match's place in the plain text is its
    place in the text as typed."""
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # ！ to ～
    for space in "\u3000\u00a0\u2007\u202f":
        table[ord(space)] = " "
    for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\u2027\u00b7\u30fb":
        table[ord(dash)] = "-"
    table[ord("\ufe6b")] = "@"  # ﹫
    return table


_PLAIN = _plain_table()


_LOOK_ALIKES = re.compile("[" + "".join(re.escape(chr(code)) for code in _PLAIN) + "]")


def plain(text: str) -> str:
    """The text with full-width characters as their plain forms and any dash as "-",
    one character for one (most texts have none of them: then the text itself)."""
    return text.translate(_PLAIN) if _LOOK_ALIKES.search(text) else text


# --- the check digit of ID and resident certificate numbers ------------------------------------

# The letter's code (A 10 … Z 33, then I 34, O 35), as the household registration
# assigns them.
_LETTER_CODES = {letter: code for code, letter in enumerate("ABCDEFGHJKLMNPQRSTUVXYWZIO", 10)}
_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)


def id_check_digit_ok(number: str) -> bool:
    """Whether a national ID or resident certificate number's last digit checks:
    the letter's two-digit code, then the next character (a digit, or for an old
    resident certificate a letter whose code's last digit stands for it), then the
    eight digits, weighted 1 9 8 7 6 5 4 3 2 1 1, sum to a multiple of ten."""
    number = number.upper()
    if len(number) != 10 or number[0] not in _LETTER_CODES:
        return False
    rest = number[2:]
    if not (rest.isascii() and rest.isdigit()):
        return False
    second = number[1]
    if second in "0123456789":
        gender = int(second)
    elif second in _LETTER_CODES:
        gender = _LETTER_CODES[second] % 10
    else:
        return False
    first = _LETTER_CODES[number[0]]
    digits = (first // 10, first % 10, gender, *(int(d) for d in rest))
    return sum(w * d for w, d in zip(_WEIGHTS, digits, strict=True)) % 10 == 0


# --- the patterns, read on the plain text ---------------------------------------------------------

# Not inside a longer run of Latin letters and digits (Chinese text around is fine).
_ALONE_BEFORE = r"(?<![0-9A-Za-z])"
_ALONE_AFTER = r"(?![0-9A-Za-z])"
# A number does not start right after a digit and a date's separator (2026-07-01,
# 115/07/15, 115.07.15): the 07 there is a month, not an area code.
_NOT_IN_DATE = r"(?<![0-9A-Za-z+])(?<![0-9][-/.])"
_EXTENSION = r"(?:\s?(?:#|ext\.?\s?|分機|轉)\s?[0-9]{1,6})?"
_SEPARATED = r"[\s.\-)]{0,2}[0-9]"  # a digit after at most two separators

_ID_SHAPE = re.compile(_ALONE_BEFORE + r"[A-Za-z][1289A-Da-d][0-9]{8}" + _ALONE_AFTER)
_ID_SPACED = re.compile(
    _ALONE_BEFORE + r"[A-Za-z][\s-]?[1289A-Da-d](?:[\s-]?[0-9]){8}" + _ALONE_AFTER
)
_INTERNATIONAL = r"(?:\+|00)[\s-]?886[\s-]?(?:\(0\)|\(|0)?[\s-]?|886[\s-]?\(?"
_MOBILE = re.compile(
    _NOT_IN_DATE + rf"(?:{_INTERNATIONAL}|\(?0)9(?:{_SEPARATED}){{8}}(?![0-9]){_EXTENSION}",
    re.IGNORECASE,
)
# An area code (2 to 8, then up to three digits) and the local number: 8 or 9
# digits after the 0 in all, however they are grouped.
_LANDLINE = re.compile(
    _NOT_IN_DATE + rf"(?:{_INTERNATIONAL}|\(?0)[2-8](?:{_SEPARATED}){{7,8}}(?![0-9]){_EXTENSION}",
    re.IGNORECASE,
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}(?:\s?@\s?|\s?[(\[]at[)\]]\s?)"
    r"(?:[A-Za-z0-9\-]{1,63}\.)+[A-Za-z]{2,24}(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_PLATE = re.compile(
    _ALONE_BEFORE
    + r"(?:[A-Za-z]{2,3}-[0-9]{3,4}|[0-9]{3,4}-[A-Za-z]{2,3})"
    + r"(?![0-9A-Za-z]|-[0-9A-Za-z])"
)
# Not an official document's number (高市府研綜字第1150012345號: 第…號).
_LONG_DIGITS = re.compile(r"(?<![0-9])(?!(?<=第)[0-9]{10,20}號)[0-9]{10,20}(?![0-9])")
_CARD = re.compile(r"(?<![0-9])[0-9]{4}(?:[\s-][0-9]{4}){3}(?![0-9])")


def _after(words: str, value: str) -> re.Pattern[str]:
    """A value right after a word that names it: 電話：, 手機號碼是, tel., plate no."""
    return re.compile(
        rf"(?<![A-Za-z])(?:{words})(?:號碼|字號|號|\s?no\.?|\s?number)?\s*[:：.]?\s*(?:是|為)?\s*"
        rf"({value})",
        re.IGNORECASE,
    )


_NAMED_PHONE = _after(
    "電話|手機|市話|行動電話|傳真|tel|phone|mobile|cell|fax",
    r"\+?\(?[0-9](?:[\s\-().#]?[0-9]){5,16}",
)
_NAMED_PLATE = _after("車牌|車號|牌照|plate", r"[A-Za-z0-9]{2,4}[\s\-]?[A-Za-z0-9]{2,4}")
_NAMED_ACCOUNT = _after(
    "帳號|帳戶|戶頭|卡號|信用卡|存摺|account|acct", r"[0-9](?:[\s\-]?[0-9]){5,24}"
)
_NAMED_ID = _after(
    "身分證|身份證|統一證號|居留證|護照|健保卡|id", r"[A-Za-z0-9](?:[\s\-]?[A-Za-z0-9]){5,14}"
)


def _digits(text: str) -> int:
    return sum(char in "0123456789" for char in text)


def _case_number_typed_whole(digits: str) -> bool:
    """1151126000123: a petition's case number without its dash (its ROC day of
    receipt and a six-digit sequence), which is the city's, not a person's."""
    if len(digits) != 13:
        return False
    year, month, day = int(digits[:3]), int(digits[3:5]), int(digits[5:7])
    return 100 <= year <= 199 and 1 <= month <= 12 and 1 <= day <= 31


def _has_letter_and_digit(value: str) -> bool:
    return any(c.isascii() and c.isalpha() for c in value) and _digits(value) > 0


def _always(value: str) -> bool:
    return True


def _id_spaced_checks(value: str) -> bool:
    return id_check_digit_ok(re.sub(r"[\s-]", "", value))


def _not_a_case_number(value: str) -> bool:
    return not _case_number_typed_whole(value)


def _phone_digits(value: str) -> bool:
    return 7 <= _digits(value) <= 15


def _six_digits(value: str) -> bool:
    return _digits(value) >= 6


# (kind, pattern, the group that is the identifier, whether a match counts). The
# numbers need six digits close together; plates need a Latin letter too.
_Rule = tuple[str, re.Pattern[str], int, Callable[[str], bool]]
_NUMBERS: tuple[_Rule, ...] = (
    (NATIONAL_ID, _ID_SHAPE, 0, _always),
    (NATIONAL_ID, _ID_SPACED, 0, _id_spaced_checks),
    (PHONE, _MOBILE, 0, _always),
    (PHONE, _LANDLINE, 0, _always),
    (ACCOUNT, _LONG_DIGITS, 0, _not_a_case_number),
    (ACCOUNT, _CARD, 0, _always),
    (PHONE, _NAMED_PHONE, 1, _phone_digits),
    (ACCOUNT, _NAMED_ACCOUNT, 1, _six_digits),
    (NATIONAL_ID, _NAMED_ID, 1, _six_digits),
)
_PLATES: tuple[_Rule, ...] = (
    (PLATE, _PLATE, 0, _always),
    (PLATE, _NAMED_PLATE, 1, _has_letter_and_digit),
)
# Cheap first looks, so that a text with none of these (most descriptions: a house
# number or two) costs a few searches, not every pattern's. Every identifier holds a
# digit or an at sign, in plain or full-width form.
_DIGIT_OR_AT = re.compile(r"[0-9０-９@＠﹫]|[(\[（［][aAａＡ][tTｔＴ][)\]）］]")
_SIX_DIGITS = re.compile(r"[0-9](?:[^0-9]{0,3}[0-9]){5}")
_LATIN = re.compile(r"[A-Za-z]")
_AT = re.compile(r"@|[(\[]at[)\]]", re.IGNORECASE)


def _rules(seen: str) -> list[_Rule]:
    rules: list[_Rule] = []
    if _AT.search(seen):
        rules.append((EMAIL, _EMAIL, 0, _always))
    if _SIX_DIGITS.search(seen):
        rules.extend(_NUMBERS)
    if _LATIN.search(seen):
        rules.extend(_PLATES)
    return rules


def find_identifiers(text: str) -> list[Identifier]:
    """The identifiers in the text, in order, overlapping finds joined into one
    (the kind of the first)."""
    if not _DIGIT_OR_AT.search(text):
        return []
    seen = plain(text)
    found = [
        Identifier(kind, match.start(group), match.end(group))
        for kind, pattern, group, counts in _rules(seen)
        for match in pattern.finditer(seen)
        if counts(match.group(group))
    ]
    return _joined(found)


def _joined(found: list[Identifier]) -> list[Identifier]:
    joined: list[Identifier] = []
    for each in sorted(found, key=lambda i: (i.start, -i.end)):
        if joined and each.start < joined[-1].end:
            last = joined[-1]
            joined[-1] = Identifier(last.kind, last.start, max(last.end, each.end))
        else:
            joined.append(each)
    return joined


def mask_identifiers(text: str) -> str:
    """The text with each identifier replaced by ○○○; the rest as typed."""
    if not text:
        return text
    found = find_identifiers(text)
    if not found:
        return text
    out: list[str] = []
    at = 0
    for each in found:
        out.append(text[at : each.start])
        out.append(HIDDEN)
        at = each.end
    out.append(text[at:])
    return "".join(out)
