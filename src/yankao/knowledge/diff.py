"""The difference between two answers, character by character (Chinese has no
spaces to split words on), as runs of kept, removed and added text."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class Piece:
    op: str  # "same", "removed" or "added"
    text: str


def text_diff(old: str, new: str) -> list[Piece]:
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", old[i1:i2]))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", old[i1:i2]))
        if j2 > j1:
            pieces.append(Piece("added", new[j1:j2]))
    return pieces
