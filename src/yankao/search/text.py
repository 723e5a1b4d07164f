"""Tokenising Traditional Chinese (and everything else) for full-text search.

The same Python code tokenises documents and queries on every database, so
SQLite and PostgreSQL find the same things. The rules:

- NFKC-normalise and lower-case (full-width ＡＢＣ１２３ become abc123).
- A run of letters and digits that are not CJK stays one token ("1999", "wifi").
- A run of CJK characters becomes its overlapping bigrams ("路燈不亮" → 路燈 燈不
  不亮) followed by its last character on its own (亮). That trailing single
  character lets a query end on any character ("年" matches 去年 as well as 年路)
  and keeps tokens adjacent across a change of script ("109年路燈" → 109 年路 路燈
  燈 … so the query "109年" is the phrase 109 followed by a token starting 年).
- Anything else (spaces, punctuation, symbols) separates words.

A query is split into words the same way; each word becomes a phrase of its
tokens, and the phrases are AND-ed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from operator import add

# Bounds on a query, so that a pasted essay costs no more than a sentence.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
MAX_PHRASE_TOKENS = 24
# A token longer than this is cut to it: PostgreSQL refuses index entries over
# 2,047 bytes, and no one searches for more than a few dozen characters of a run.
MAX_TOKEN_CHARS = 100

_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003ffff"  # CJK extensions B and later
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
# A word: letters and digits (not the underscore, which \\w also matches).
_WORD = re.compile(r"[^\W_]+")
# Within a word: a run of CJK characters, or a run of anything else.
_RUN = re.compile(f"([{_CJK}]+)|([^{_CJK}]+)")


def is_cjk(char: str) -> bool:
    return bool(_CJK_RUN.fullmatch(char))


# Full-width ASCII forms (and the ideographic space) as NFKC writes them. Chinese
# text is full of full-width punctuation, which fails NFKC's quick check and sends
# the whole string through the slow path; mapping them first (NFKC decomposes them
# to plain ASCII, so the result is the same) lets most texts skip it: a third of
# the cost of indexing a million petitions.
_FULL_WIDTH = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = " "


def normalise(text: str) -> str:
    text = text.translate(_FULL_WIDTH)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def _runs(word: str) -> list[tuple[bool, str]]:
    """Split a word (letters and digits only) into runs of CJK / other characters."""
    return [(bool(cjk), cjk or other) for cjk, other in _RUN.findall(word)]


def words(text: str) -> list[str]:
    """The normalised text cut at every character that is neither letter nor digit."""
    return _WORD.findall(normalise(text))


def _cjk_tokens(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    out = list(map(add, run, run[1:]))  # the bigrams
    out.append(run[-1])
    return out


def tokens(text: str) -> list[str]:
    """The tokens of a document, in order."""
    out: list[str] = []
    for word in words(text):
        for cjk, run in _runs(word):
            out.extend(_cjk_tokens(run) if cjk else [run[:MAX_TOKEN_CHARS]])
    return out


def token_text(text: str) -> str:
    """The tokens joined by spaces: what the index stores."""
    return " ".join(tokens(text))


@dataclass(frozen=True)
class Phrase:
    """One query word: tokens that must appear in this order, next to each other.
    When `prefix` is set, the last token may be the start of a longer token."""

    tokens: tuple[str, ...]
    prefix: bool = False


def _phrase(word: str) -> Phrase | None:
    runs = _runs(word)
    out: list[str] = []
    prefix = False
    for index, (cjk, run) in enumerate(runs):
        last = index == len(runs) - 1
        if not cjk:
            out.append(run[:MAX_TOKEN_CHARS])
        elif len(run) == 1:
            # One character at the end of a query word can continue in the text
            # (年 → 年路); inside the word it must end its run, as in the text.
            out.append(run)
            prefix = last
        else:
            bigrams = [run[i : i + 2] for i in range(len(run) - 1)]
            # The trailing single character is implied by the last bigram unless
            # another run follows, where the text has it between the two.
            out.extend(bigrams if last else [*bigrams, run[-1]])
    if not out:
        return None
    return Phrase(
        tokens=tuple(out[:MAX_PHRASE_TOKENS]), prefix=prefix and len(out) <= MAX_PHRASE_TOKENS
    )


def query_phrases(query: str) -> list[Phrase]:
    """The phrases of a query, all of which a document must contain. Bounded in
    size; duplicates dropped; an empty list means there is nothing to search for."""
    phrases: list[Phrase] = []
    for word in words(query[:MAX_QUERY_CHARS]):
        phrase = _phrase(word)
        if phrase is not None and phrase not in phrases:
            phrases.append(phrase)
        if len(phrases) >= MAX_QUERY_WORDS:
            break
    return phrases


def query_words(query: str) -> list[str]:
    """The query's words, normalised (for highlighting and snippets)."""
    return words(query[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]
