"""Reading a name and a phone number (``bot.contact``): the forms people type, corrections, and what is refused."""

from __future__ import annotations

import pytest

from bot.contact import form_correction, read_contact
from core.pii import mask_phone


@pytest.mark.parametrize(
    ("typed", "name", "phone"),
    [
        ("张三 13912345678", "张三", "13912345678"),
        ("我叫王芳，电话139 1234 5678", "王芳", "13912345678"),
        ("+86 139-1234-5678 李明", "李明", "13912345678"),
        ("１３９１２３４５６７８", None, "13912345678"),
        ("座机 0391-2345678", None, "0391-2345678"),
        ("欧阳娜娜", "欧阳娜娜", None),
        ("阿卜杜拉·艾买提 13812345678", "阿卜杜拉·艾买提", "13812345678"),
    ],
)
def test_names_and_numbers_as_people_type_them(typed: str, name: str | None, phone: str | None) -> None:
    got = read_contact(typed, want_name=True)
    assert (got.name, got.phone, got.error) == (name, phone, None)


@pytest.mark.parametrize("typed", ["1391234567", "12912345678", "0391-999", "电话是 2345678"])
def test_a_number_that_is_no_phone_is_refused_politely(typed: str) -> None:
    got = read_contact(typed, want_name=True)
    assert got.phone is None and got.error and typed not in got.error


def test_an_id_number_is_no_phone_number() -> None:
    got = read_contact("11010519491231002X", want_name=False)
    assert got.phone is None and got.error and "身份证" in got.error


@pytest.mark.parametrize("typed", ["好的", "我没有手机", "不知道", "你们要这个干什么"])
def test_replies_that_are_no_name(typed: str) -> None:
    assert read_contact(typed, want_name=True).name is None


def test_a_correction_changes_only_the_field_it_names() -> None:
    got = read_contact("不对 手机号输错了 是13812345678", want_name=True)
    assert (got.name, got.phone) == (None, "13812345678")
    got = read_contact("名字写错了，是李四", want_name=False)
    assert (got.name, got.phone) == ("李四", None)


def test_a_bare_name_is_taken_only_when_asked_for() -> None:
    assert read_contact("张三", want_name=False).name is None


@pytest.mark.parametrize(
    ("typed", "field", "value"),
    [
        ("不对 手机号输错了 是13812345678", "plaintiff_phone", "13812345678"),
        ("身份证号写错了，应该是11010519491231002X", "plaintiff_id", "11010519491231002X"),
        ("地址不对，应该是焦东街道2号", "plaintiff_address", "焦东街道2号"),
    ],
)
def test_filing_form_corrections_name_their_field(typed: str, field: str, value: str) -> None:
    assert form_correction(typed) == (field, value)


def test_no_correction_in_a_plain_answer() -> None:
    assert form_correction("焦作市山阳区焦东街道1号") is None


def test_masked_numbers() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0391-2345678") == "0391****78"
