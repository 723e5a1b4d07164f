"""The tokeniser: Chinese as bigrams with the run's last character, other words
whole, the same rules for documents and queries."""

import unicodedata

import pytest

from yankao.search.text import MAX_TOKEN_CHARS, Phrase, normalise, query_phrases, tokens


def test_two_character_words_are_one_token():
    assert tokens("路燈") == ["路燈", "燈"]
    assert tokens("坑洞 停車") == ["坑洞", "洞", "停車", "車"]


def test_longer_runs_become_overlapping_bigrams_and_their_last_character():
    assert tokens("路燈不亮") == ["路燈", "燈不", "不亮", "亮"]


def test_numbers_stay_whole_next_to_chinese():
    assert tokens("1999專線") == ["1999", "專線", "線"]
    assert tokens("109年路燈") == ["109", "年路", "路燈", "燈"]


def test_full_width_digits_and_letters_are_normalised_and_lower_cased():
    assert tokens("１０９年") == ["109", "年"]
    assert tokens("ＷｉＦｉ熱點") == ["wifi", "熱點", "點"]


def test_punctuation_of_both_widths_separates_words():
    assert tokens("路燈，不亮！(三民區)") == ["路燈", "燈", "不亮", "亮", "三民", "民區", "區"]
    assert tokens("a-b_c:d") == ["a", "b", "c", "d"]


def test_a_query_word_is_a_phrase_and_a_final_single_character_a_prefix():
    assert query_phrases("109年") == [Phrase(("109", "年"), prefix=True)]
    assert query_phrases("路燈") == [Phrase(("路燈",))]
    assert query_phrases("路燈不亮") == [Phrase(("路燈", "燈不", "不亮"))]


def test_a_single_character_inside_a_query_word_must_end_its_run():
    assert query_phrases("燈109") == [Phrase(("燈", "109"))]


def test_query_words_are_separate_phrases_without_duplicates():
    assert query_phrases("路燈 不亮 路燈") == [Phrase(("路燈",)), Phrase(("不亮",))]


def test_search_syntax_characters_are_only_separators():
    phrases = query_phrases('"路燈" * NEAR(a b) OR -停車 : ^x')
    assert [p.tokens for p in phrases] == [
        ("路燈",),
        ("near",),
        ("a",),
        ("b",),
        ("or",),
        ("停車",),
        ("x",),
    ]


def test_empty_and_symbol_only_queries_have_no_phrases():
    assert query_phrases("") == []
    assert query_phrases('  ，。!?*"') == []


def test_a_huge_query_is_bounded():
    phrases = query_phrases("路燈 " * 5000 + "坑洞" * 5000)
    assert len(phrases) <= 12
    assert all(len(p.tokens) <= 24 for p in phrases)


@pytest.mark.parametrize(
    "text",
    [
        "鼓山區光華路：光華路路面坑洞多處，機車行經易滑倒。",
        "ＡＢＣ１２３　（第１則）",
        "Ａ\u0301 e\u0301 ｶﾞ ①② ㈱ ﬁ",  # full width before a combining accent, compatibility forms
        "ア・イ ゛",
    ],
)
def test_normalising_agrees_with_nfkc_whatever_takes_the_short_cut(text):
    assert normalise(text) == unicodedata.normalize("NFKC", text).lower()


def test_a_long_run_of_letters_or_digits_is_cut_to_one_bounded_token():
    assert tokens("9" * 5000 + " 路燈") == ["9" * MAX_TOKEN_CHARS, "路燈", "燈"]
    [phrase] = query_phrases("a" * 150)
    assert phrase.tokens == ("a" * MAX_TOKEN_CHARS,)
