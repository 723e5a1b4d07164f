"""`{{ text|highlight:query }}`: the text, escaped, with the query's words marked."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from yankao.search.text import normalise, query_words

register = template.Library()


@register.filter
def highlight(text: str, query: str) -> SafeString:
    text = str(text)
    words = sorted({w for w in query_words(str(query)) if w}, key=len, reverse=True)
    folded = normalise(text)
    if not words or len(folded) != len(text):
        return escape(text)
    marks = [False] * len(text)
    for word in words:
        start = folded.find(word)
        while start >= 0:
            for index in range(start, start + len(word)):
                marks[index] = True
            start = folded.find(word, start + len(word))
    out: list[str] = []
    index = 0
    while index < len(text):
        end = index
        while end < len(text) and marks[end] == marks[index]:
            end += 1
        piece = escape(text[index:end])
        out.append(f"<mark>{piece}</mark>" if marks[index] else piece)
        index = end
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above
