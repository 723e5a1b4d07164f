from yankao.petitions.codes import CODE_ALPHABET, CODE_LENGTH, code_digest, code_matches, new_code


def test_a_new_code_uses_only_unambiguous_characters():
    code = new_code()
    assert len(code) == CODE_LENGTH
    assert set(code) <= set(CODE_ALPHABET)
    assert not set(code) & set("01OI")


def test_a_code_matches_its_digest_whatever_the_case_and_spaces():
    digest = code_digest("ABCD2345")
    assert code_matches(" abcd2345 ", digest)
    assert not code_matches("ABCD2346", digest)


def test_no_code_matches_an_empty_digest():
    assert not code_matches("ABCD2345", "")


def test_the_digest_is_not_the_code():
    assert "ABCD2345" not in code_digest("ABCD2345")
