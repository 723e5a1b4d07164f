"""Masks for a citizen's personal data, one rule per kind of datum for every
business (petitions, dispatch tickets, legal bookings, the call centre):
李○明, a○○○@example.com, 09xx-xxx-123, 高雄市鳳山區○○○.

Masked data is still personal data (it is not anonymous), so masking is a
minimum-exposure measure, not a licence: a mask keeps only what lets staff tell
one person or place from another at a glance, and hides how long the hidden
part is wherever that would help guess it."""

from __future__ import annotations

import re

MASK = "○"
DIGIT_MASK = "x"

# The city or county and the district, township or town that opens a Taiwanese
# address (高雄市鳳山區, 嘉義縣民雄鄉, 高雄市那瑪夏區); either may be missing.
_PLACE = re.compile(r"^(?:[^\s\d]{1,3}?[市縣])?(?:[^\s\d]{1,3}?[區鄉鎮市])?")


def mask_name(name: str) -> str:
    """Keep the first and last character and hide those between: 李小明 → 李○明,
    歐陽小明 → 歐○○明; a two-character name keeps only its first: 李明 → 李○."""
    chars = list(name.strip())
    if len(chars) <= 1:
        return MASK if chars else ""
    if len(chars) == 2:
        return chars[0] + MASK
    middle = "".join(c if c.isspace() else MASK for c in chars[1:-1])
    return chars[0] + middle + chars[-1]


def mask_email(email: str) -> str:
    """Keep the first character of the local part and the domain: a○○○@example.com.
    The mask has a fixed length, so it does not tell how long the address is."""
    email = email.strip()
    if not email:
        return ""
    local, at, domain = email.rpartition("@")
    if not at:
        return MASK * 3
    return f"{local[:1]}{MASK * 3}@{domain}"


def mask_phone(phone: str) -> str:
    """Keep the first two and the last three digits: 0912-345-123 → 09xx-xxx-123.
    Other numbers keep their separators: 07-336-8333 → 07-xxx-x333. Numbers too
    short to keep anything are masked whole."""
    digits = [c for c in phone if c.isdigit()]
    if not digits:
        return ""
    if len(digits) < 7:
        return DIGIT_MASK * len(digits)
    if len(digits) == 10 and digits[0] == "0" and digits[1] == "9":
        return f"{digits[0]}{digits[1]}xx-xxx-{''.join(digits[-3:])}"
    keep = {0, 1, len(digits) - 3, len(digits) - 2, len(digits) - 1}
    out: list[str] = []
    index = 0
    for char in phone.strip():
        if char.isdigit():
            out.append(char if index in keep else DIGIT_MASK)
            index += 1
        else:
            out.append(char)
    return "".join(out)


def mask_address(address: str) -> str:
    """Keep the city and district (高雄市鳳山區) and hide the rest behind a
    fixed-length mask: 高雄市鳳山區○○○. Only the place names are kept, never a
    road: an address that does not open with them (鳳山區光復路…, or one in
    English) keeps what it has of them, or nothing."""
    address = address.strip()
    if not address:
        return ""
    place = _PLACE.match(address)
    return (place.group(0) if place else "") + MASK * 3
