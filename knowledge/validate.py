"""Validation of identity numbers and mobile phone numbers (domain-facts §8).

- :func:`validate_id_number` — 18-character numbers under GB 11643-1999: 6-digit address code, a real birth
  date, a 3-digit sequence and the ISO 7064 MOD 11-2 check character (lower-case ``x`` accepted). 15-digit
  first-generation numbers are refused with an offer to explain (they stopped being valid on 2013-01-01,
  居民身份证法第二十三条). Hong Kong / Macau / Taiwan residence permits (810000/820000/830000) and the 2023
  foreigner permanent-residence ID (first digit 9) share the format and checksum.
- :func:`normalize_mobile` — a mainland mobile number ``^1[3-9]\\d{9}$`` after stripping +86/0086/86,
  spaces and hyphens. Operator prefixes are deliberately not checked (number portability).

Errors are :class:`~knowledge.errors.IdNumberError` / :class:`~knowledge.errors.PhoneNumberError`, whose
``user_message`` is a polite Chinese sentence that never repeats the number itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from knowledge.errors import IdNumberError, PhoneNumberError

# 2^(17-i) mod 11 for i = 0..16 (domain-facts §8.1) [V]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # indexed by S mod 11

HolderKind = Literal["citizen", "hk_macau_taiwan", "foreigner"]

_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-－—()（）]")


@dataclass(frozen=True, slots=True)
class IdInfo:
    number: str  # normalised, upper-case X
    holder: HolderKind
    province_code: str
    birth_date: date
    gender: Literal["male", "female"]  # odd sequence = male

    def age_on(self, today: date) -> int:
        years = today.year - self.birth_date.year
        if (today.month, today.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


def check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


_FORMAT_MSG = "身份证号码应为18位（最后一位可以是X），请核对后重新输入。"


def checksum_ok(number: str) -> bool:
    """Whether an 18-character number passes ISO 7064 MOD 11-2 (whole-number test: weighted sum mod 11 == 1)."""
    number = number.upper()
    if not _ID_RE.match(number):
        return False
    values = [10 if c == "X" else int(c) for c in number]
    return (sum(v * w for v, w in zip(values, (*WEIGHTS, 1), strict=True)) % 11) == 1


def validate_id_number(raw: str, today: date | None = None, *, min_birth_year: int = 1900) -> IdInfo:
    """Validate and normalise an identity number; raise :class:`IdNumberError` if it is not usable.

    A birth year before ``min_birth_year`` is refused as implausible for a living party (the classic checksum
    sample 440524188001010014 is born in 1880: it passes :func:`checksum_ok` but not this default).
    """
    today = today or date.today()
    number = _SEPARATORS.sub("", raw).upper()
    if len(number) == 15 and number.isdigit():
        raise IdNumberError(
            "15-digit first-generation ID number",
            "这是15位的老身份证号码，一代身份证已于2013年1月1日停止使用。请提供现在使用的18位号码；"
            "如需要，我们可以说明怎样换算成18位。",
        )
    if not _ID_RE.match(number):
        raise IdNumberError("bad ID number format", _FORMAT_MSG)
    first = number[0]
    if first == "0":
        raise IdNumberError("bad address code", _FORMAT_MSG)
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdNumberError("bad birth date", "身份证号码中的出生日期不对，请核对后重新输入。") from exc
    if birth.year < min_birth_year or birth > today:
        raise IdNumberError("implausible birth date", "身份证号码中的出生日期不对，请核对后重新输入。")
    if check_char(number[:17]) != number[17]:
        raise IdNumberError("checksum mismatch", "身份证号码校验没有通过，可能有一位输错了，请核对后重新输入。")
    holder: HolderKind
    if first == "9":
        holder = "foreigner"
    elif number[:2] in ("81", "82", "83"):
        holder = "hk_macau_taiwan"
    else:
        holder = "citizen"
    gender: Literal["male", "female"] = "male" if int(number[16]) % 2 == 1 else "female"
    return IdInfo(number=number, holder=holder, province_code=number[:2], birth_date=birth, gender=gender)


def is_valid_id_number(raw: str, today: date | None = None) -> bool:
    try:
        validate_id_number(raw, today)
    except IdNumberError:
        return False
    return True


def normalize_mobile(raw: str) -> str:
    """Return the 11-digit mainland mobile number in ``raw`` or raise :class:`PhoneNumberError`."""
    number = _SEPARATORS.sub("", raw.strip())
    for prefix in ("+86", "0086", "86"):
        if number.startswith(prefix) and len(number) == len(prefix) + 11:
            number = number[len(prefix) :]
            break
    if not _MOBILE_RE.match(number):
        raise PhoneNumberError("not a mainland mobile number", "手机号码应为11位、以1开头的数字，请核对后重新输入。")
    return number


def is_valid_mobile(raw: str) -> bool:
    try:
        normalize_mobile(raw)
    except PhoneNumberError:
        return False
    return True
