"""Masks for a petitioner's personal data, as shown on staff pages by default:
李○明, a○○○@example.com, 09xx-xxx-123, 高雄市鳳山區○○○. Masked data is still personal data
(it is not anonymous), so masking is a minimum-exposure measure, not a licence."""

from __future__ import annotations

MASK = "○"


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
        return "x" * len(digits)
    if len(digits) == 10 and digits[0] == "0" and digits[1] == "9":
        return f"{digits[0]}{digits[1]}xx-xxx-{''.join(digits[-3:])}"
    keep = {0, 1, len(digits) - 3, len(digits) - 2, len(digits) - 1}
    out: list[str] = []
    index = 0
    for char in phone.strip():
        if char.isdigit():
            out.append(char if index in keep else "x")
            index += 1
        else:
            out.append(char)
    return "".join(out)


def mask_address(address: str) -> str:
    """Keep the city and district (the first six characters, 高雄市鳳山區) and hide
    the rest behind a fixed-length mask: 高雄市鳳山區○○○."""
    address = address.strip()
    if not address:
        return ""
    return address[:6] + MASK * 3 if len(address) > 6 else MASK * 3
