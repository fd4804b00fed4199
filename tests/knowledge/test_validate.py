from datetime import date

import pytest

from knowledge.errors import IdNumberError, PhoneNumberError
from knowledge.validate import check_char, checksum_ok, normalize_mobile, validate_id_number

TODAY = date(2026, 11, 24)


def test_worked_example_with_x() -> None:
    info = validate_id_number("11010519491231002X", TODAY)
    assert info.birth_date == date(1949, 12, 31)
    assert info.gender == "female"
    assert info.holder == "citizen"
    assert check_char("11010519491231002") == "X"


def test_lower_case_x_is_normalised() -> None:
    assert validate_id_number("11010519491231002x", TODAY).number == "11010519491231002X"


def test_second_worked_example_checksum() -> None:
    assert check_char("44052418800101001") == "4"
    assert checksum_ok("440524188001010014")
    # born 1880: checksum fine, but not a plausible living party unless the caller allows it
    with pytest.raises(IdNumberError):
        validate_id_number("440524188001010014", TODAY)
    assert validate_id_number("440524188001010014", TODAY, min_birth_year=1800).gender == "male"


def test_one_wrong_digit_fails_the_checksum() -> None:
    with pytest.raises(IdNumberError) as info:
        validate_id_number("11010519491231003X", TODAY)
    assert "校验" in info.value.user_message
    assert "1101" not in info.value.user_message  # never echo the number


def test_fifteen_digits_refused_with_an_offer_to_explain() -> None:
    with pytest.raises(IdNumberError) as info:
        validate_id_number("110105491231002", TODAY)
    assert "15位" in info.value.user_message and "18位" in info.value.user_message


@pytest.mark.parametrize("bad", ["11010519491331002X", "11010520300101002X", "1101051949123100", "ABCDEFGHIJKLMNOPQR"])
def test_bad_dates_and_formats(bad: str) -> None:
    with pytest.raises(IdNumberError):
        validate_id_number(bad, TODAY)


def _with_check(first17: str) -> str:
    return first17 + check_char(first17)


@pytest.mark.parametrize(
    ("first17", "holder"),
    [
        ("81000019900101001", "hk_macau_taiwan"),
        ("82000019900101002", "hk_macau_taiwan"),
        ("83000019900101003", "hk_macau_taiwan"),
        ("93311019900101001", "foreigner"),
        ("41080219900101001", "citizen"),
    ],
)
def test_permit_and_foreigner_prefixes(first17: str, holder: str) -> None:
    assert validate_id_number(_with_check(first17), TODAY).holder == holder


def test_whole_number_rule_equals_check_char_rule() -> None:
    for seq in range(100, 140):
        number = _with_check(f"410802199001{seq % 28 + 1:02d}{seq:03d}")
        assert checksum_ok(number)


@pytest.mark.parametrize(
    "raw", ["13800138000", "+86 138 0013 8000", "0086-138-0013-8000", "8613800138000", "192 0000 0000"]
)
def test_mobile_numbers_accepted(raw: str) -> None:
    assert len(normalize_mobile(raw)) == 11


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "138001380001", "0371-12345678", "abc"])
def test_not_mobile_numbers(raw: str) -> None:
    with pytest.raises(PhoneNumberError) as info:
        normalize_mobile(raw)
    assert "11位" in info.value.user_message
