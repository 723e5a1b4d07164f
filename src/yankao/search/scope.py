"""Where a document sits in the full-text index, so that a search is narrowed to
what the user may see before anything is ranked.

- Its owning agency, as tokens. Agency keys are slugs with hyphens (which split
  tokens), so they are written in hex: "ao" + key for the owning agency itself,
  "at" + key for it and each agency above it (a supervisor sees the subtree).
- Its source, as the range of its key in the index: `fts_key` is minus (the
  source's code × 2**40 + the object's id), so one source is one contiguous range,
  and within it the newest object comes first in ascending order, which the index
  reads fastest."""

from __future__ import annotations

import zlib

OBJECT_BITS = 40


def _hex(key: str) -> str:
    return key.encode().hex()


def source_lexeme(source: str) -> str:
    """The source as PostgreSQL's vector holds it (see fulltext.py)."""
    return "src" + source


def source_code(source: str) -> int:
    return zlib.crc32(source.encode()) & 0x7FFF


def fts_key(source: str, object_id: int) -> int:
    return -((source_code(source) << OBJECT_BITS) + object_id)


def fts_key_range(source: str) -> tuple[int, int]:
    """The lowest and highest `fts_key` of a source."""
    base = source_code(source) << OBJECT_BITS
    return -(base + (1 << OBJECT_BITS) - 1), -base


def owner_token(agency_key: str) -> str:
    return "ao" + _hex(agency_key)


def tree_token(agency_key: str) -> str:
    return "at" + _hex(agency_key)


def scope_tokens(agency_path: str) -> str:
    """E.g. path /kcg/public-works/pw-maintenance/ → the owner pw-maintenance, and
    the trees of kcg, public-works and pw-maintenance."""
    keys = [key for key in agency_path.split("/") if key]
    if not keys:
        return ""
    return " ".join([owner_token(keys[-1]), *(tree_token(key) for key in keys)])
