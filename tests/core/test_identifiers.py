"""Personal identifiers found in free text and masked: what a citizen typed may be
published (Open311's list), so ID, phone, e-mail, plate and account numbers are
masked wherever they are, and the ordinary numbers of a petition (house numbers,
dates, case numbers) are left as typed."""

import pytest

from yankao.core.identifiers import (
    ACCOUNT,
    EMAIL,
    HIDDEN,
    NATIONAL_ID,
    PHONE,
    PLATE,
    find_identifiers,
    id_check_digit_ok,
    mask_identifiers,
)

# (text, the identifier in it, its kind)
FOUND = [
    # national ID and resident certificate numbers
    ("我的身分證A123456789請保密", "A123456789", NATIONAL_ID),
    ("身分證字號：a123456789", "a123456789", NATIONAL_ID),
    ("居留證 A800000014 已過期", "A800000014", NATIONAL_ID),
    ("舊式統一證號AC01234567", "AC01234567", NATIONAL_ID),
    ("統一證號 AB12345678（打錯一碼也要遮）", "AB12345678", NATIONAL_ID),
    ("身分證 A123456788 打錯一碼", "A123456788", NATIONAL_ID),
    ("證號 A 123 456 789", "A 123 456 789", NATIONAL_ID),
    ("身分證號Ａ１２３４５６７８９", "Ａ１２３４５６７８９", NATIONAL_ID),
    ("護照號碼 312345678", "312345678", NATIONAL_ID),
    # mobiles
    ("電話0912-345-678請回電", "0912-345-678", PHONE),
    ("手機 0912345678", "0912345678", PHONE),
    ("聯絡我 0912 345 678 謝謝", "0912 345 678", PHONE),
    ("call +886 912 345 678", "+886 912 345 678", PHONE),
    ("或 +886-912-345-678", "+886-912-345-678", PHONE),
    ("或(0912)345-678", "(0912)345-678", PHONE),
    ("全形０９１２－３４５－６７８", "０９１２－３４５－６７８", PHONE),
    # landlines
    ("請撥(07)336-8333找我", "(07)336-8333", PHONE),
    ("公司07-3368333", "07-3368333", PHONE),
    ("家裡 07 336 8333", "07 336 8333", PHONE),
    ("台北 02-2345-6789 分機123 轉接", "02-2345-6789 分機123", PHONE),
    ("國際 +886-7-336-8333", "+886-7-336-8333", PHONE),
    ("市話：336-8333", "336-8333", PHONE),
    ("hotel tel. 07-1234567", "07-1234567", PHONE),
    # e-mail
    ("信箱 chen.da-wen@example.com.tw 謝謝", "chen.da-wen@example.com.tw", EMAIL),
    ("寄到chen(at)gmail.com", "chen(at)gmail.com", EMAIL),
    ("ｃｈｅｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "ｃｈｅｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", EMAIL),
    # plates
    ("違停 ABC-1234 長期占用", "ABC-1234", PLATE),
    ("舊車牌AB-1234停在門口", "AB-1234", PLATE),
    ("車子 1234-AB 擋路", "1234-AB", PLATE),
    ("機車123-ABC亂停", "123-ABC", PLATE),
    ("重機 ABC-123", "ABC-123", PLATE),
    ("車號 ABC1234 的車", "ABC1234", PLATE),
    ("車牌：abc-1234", "abc-1234", PLATE),
    # accounts and cards
    ("匯款帳號 012-345-678901", "012-345-678901", ACCOUNT),
    ("匯到1234567890123456", "1234567890123456", ACCOUNT),
    ("卡號 4111 1111 1111 1111", "4111 1111 1111 1111", ACCOUNT),
    ("健保卡 000012345678", "000012345678", ACCOUNT),
]

LEFT_AS_TYPED = [
    "高雄市鳳山區光復路二段120號前",
    "三民區建工路415巷12弄3號5樓之1",
    "前鎮區中山三路100號",
    "2026-11-26 14:30 起",
    "2026-09-12 123",
    "115/11/26",
    "115.07.15",
    "115年11月26日上午9時30分",
    "2026/07/15",
    "上午07:30至08:00",
    "案號1151126-000123",
    "派115-000123",
    "115-000123",
    "1151126000123",
    "高市府研綜字第1150012345號函",
    "NT$1,000,000",
    "1,048 件",
    "郵遞區號830",
    "請撥1999或110",
    "服務 P-0103、D-105",
    "統一編號 12345678",
    "22.627123,120.301456",
    "路燈編號 0103-1234",
    "A 123 456 788",  # spaced, and its check digit fails
    "第3段 10:00~12:00",
]


@pytest.mark.parametrize(("text", "identifier", "kind"), FOUND)
def test_an_identifier_is_found_and_masked(text, identifier, kind):
    [found] = find_identifiers(text)
    assert text[found.start : found.end] == identifier
    assert found.kind == kind
    assert mask_identifiers(text) == text.replace(identifier, HIDDEN)


@pytest.mark.parametrize("text", LEFT_AS_TYPED)
def test_the_ordinary_numbers_of_a_petition_are_left_as_typed(text):
    assert find_identifiers(text) == []
    assert mask_identifiers(text) == text


def test_a_spaced_id_number_is_masked_only_when_its_check_digit_is_right():
    assert mask_identifiers("A 123 456 789") == HIDDEN
    assert mask_identifiers("A 123 456 788") == "A 123 456 788"
    # The plain shape is masked whatever its check digit: a typo still points at someone.
    assert mask_identifiers("A123456788") == HIDDEN


@pytest.mark.parametrize(
    ("number", "checks"),
    [
        ("A123456789", True),
        ("a123456789", True),
        ("F131104093", True),
        ("A800000014", True),  # new resident certificate
        ("AC01234567", True),  # old resident certificate
        ("AA12345675", True),
        ("A123456788", False),
        ("A800000015", False),
        ("AB12345678", False),
        ("A12345678", False),
        ("1123456789", False),
        ("A1234567８9", False),
    ],
)
def test_the_check_digit_of_id_and_resident_certificate_numbers(number, checks):
    assert id_check_digit_ok(number) is checks


def test_a_description_with_several_identifiers_keeps_the_rest_of_its_words():
    text = (
        "我是陳大文，身分證A123456789，電話0912-345-678，信箱 dawen@example.com。"
        "鳳山區光復路二段120號前的路燈壞了，旁邊常停一台ABC-1234。"
    )
    assert mask_identifiers(text) == (
        "我是陳大文，身分證○○○，電話○○○，信箱 ○○○。"
        "鳳山區光復路二段120號前的路燈壞了，旁邊常停一台○○○。"
    )


def test_the_mask_tells_neither_the_kind_nor_the_length():
    assert mask_identifiers("0912345678") == mask_identifiers("a@b.tw") == HIDDEN
    assert mask_identifiers("02-2345-6789") == mask_identifiers("07-3368333") == HIDDEN


def test_text_without_identifiers_comes_back_unchanged():
    for text in ("", "路燈不亮已一週", "Street light out since Monday"):
        assert mask_identifiers(text) == text
