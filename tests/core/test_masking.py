"""Masks for personal data on staff pages: one rule per kind of datum for every
business (petitions, dispatch, legal, the call centre)."""

from yankao.core.masking import mask_address, mask_email, mask_name, mask_phone


def test_a_three_character_name_keeps_its_first_and_last_character():
    assert mask_name("李小明") == "李○明"


def test_a_two_character_name_keeps_only_its_first():
    assert mask_name("李明") == "李○"


def test_a_four_character_name_hides_both_middle_characters():
    assert mask_name("歐陽小明") == "歐○○明"


def test_a_latin_name_keeps_its_spaces():
    assert mask_name("John Smith") == "J○○○ ○○○○h"


def test_an_empty_or_one_character_name():
    assert mask_name("") == ""
    assert mask_name("李") == "○"


def test_an_email_keeps_its_first_letter_and_domain_and_hides_its_length():
    assert mask_email("abcdef@example.com") == "a○○○@example.com"
    assert mask_email("a@example.com") == "a○○○@example.com"


def test_an_email_without_an_at_sign_is_masked_whole():
    assert mask_email("nonsense") == "○○○"


def test_a_mobile_number_keeps_its_first_two_and_last_three_digits():
    assert mask_phone("0912-345-123") == "09xx-xxx-123"
    assert mask_phone("0912345123") == "09xx-xxx-123"


def test_a_landline_keeps_its_separators():
    assert mask_phone("07-336-8333") == "07-xxx-x333"


def test_a_short_number_is_masked_whole():
    assert mask_phone("1999") == "xxxx"
    assert mask_phone("") == ""


def test_a_mobile_number_with_the_country_code_keeps_its_separators():
    assert mask_phone("+886 912 345 123") == "+88x xxx xxx 123"


def test_an_address_keeps_its_city_and_district_behind_a_fixed_mask():
    assert mask_address("高雄市鳳山區光復路二段 132 號") == "高雄市鳳山區○○○"
    assert mask_address("嘉義縣民雄鄉建國路一段 1 號") == "嘉義縣民雄鄉○○○"
    assert mask_address("高雄市鳳山區") == "高雄市鳳山區○○○"


def test_an_address_with_a_three_character_district_keeps_it_whole():
    assert mask_address("高雄市那瑪夏區達卡努瓦里 1 號") == "高雄市那瑪夏區○○○"


def test_an_address_without_its_city_never_shows_the_road():
    assert mask_address("鳳山區光復路二段 132 號") == "鳳山區○○○"
    assert mask_address("高雄市中山一路 1 號") == "高雄市○○○"
    assert mask_address("光復路二段 132 號") == "○○○"


def test_an_address_in_english_is_masked_whole():
    assert mask_address("No. 2, Sihwei 3rd Rd, Lingya District") == "○○○"
    assert mask_address("  ") == ""
