"""Parties as captured from the chat (validated at capture) and as stored (ID/phone encrypted + masked).

``Applicant`` and ``Party`` validate ID numbers (GB 11643, via :mod:`knowledge.validate`) and mobile numbers
when they are built: a bad value raises :class:`casework.errors.ValidationError` (not pydantic's error) with a
polite Chinese ``user_message`` that never repeats the number. :func:`to_row` encrypts the clear values with
``PiiCipher`` and keeps masked copies for display; :func:`dispute_keys` derives keyed hashes that identify a
dispute (cause + plaintiff + defendant) without storing names or numbers in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from casework.errors import ValidationError
from casework.models import CaseParty
from core.pii import PiiCipher, mask_id, mask_phone
from knowledge.errors import IdNumberError, PhoneNumberError
from knowledge.validate import IdInfo, normalize_mobile, validate_id_number

_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")  # area code 0 + 2-3 digits, 7-8 digit number (domain-facts §8.2) [S/U]
_GENDERS = {"男": "男", "女": "女", "male": "男", "female": "女", "m": "男", "f": "女"}


def _blank_to_none(v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return v


def check_id_number(value: str, today: date | None = None) -> IdInfo:
    """Validate an ID number; raise ValidationError(field="id_number") with the validator's polite message."""
    try:
        return validate_id_number(value, today)
    except IdNumberError as exc:
        raise ValidationError(f"invalid ID number: {exc}", exc.user_message, "id_number") from exc


def check_mobile(value: str) -> str:
    try:
        return normalize_mobile(value)
    except PhoneNumberError as exc:
        raise ValidationError(f"invalid mobile number: {exc}", exc.user_message, "phone") from exc


def check_phone_any(value: str) -> str:
    """A mobile, or a landline such as 0391-1234567 (a company defendant may only have one)."""
    compact = re.sub(r"[\s()（）]", "", value)
    if _LANDLINE.match(compact):
        return compact
    return check_mobile(value)


def _check_name(v: str | None, who: str) -> str:
    if not v or not v.strip():
        raise ValidationError(f"{who} name missing", f"请告诉我们{who}的姓名或名称。", "name")
    v = v.strip()
    if len(v) > 64:
        raise ValidationError(f"{who} name too long", f"{who}的姓名或名称太长了，请核对。", "name")
    return v


def _norm_gender(v: str | None) -> str | None:
    if v is None:
        return None
    g = _GENDERS.get(v.strip().lower())
    if g is None:
        raise ValidationError("gender not 男/女", "性别请填写“男”或“女”。", "gender")
    return g


class _Person(BaseModel):
    """What both sides share: blanks become None, ID numbers pass GB 11643, gender is 男/女."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _strip(cls, v: Any) -> Any:
        return _blank_to_none(v)

    @field_validator("id_number", check_fields=False)
    @classmethod
    def _id(cls, v: str | None) -> str | None:
        return None if v is None else check_id_number(v).number

    @field_validator("gender", check_fields=False)
    @classmethod
    def _gender(cls, v: str | None) -> str | None:
        return _norm_gender(v)


class Applicant(_Person):
    """The person who asks for the hand-off (the future plaintiff), a natural person."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    gender: str | None = None  # 男 / 女; cross-checked with the ID number's sequence digit
    ethnicity: str | None = None
    occupation: str | None = None
    work_unit: str | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v: str | None) -> str:
        return _check_name(v, "您")

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        return None if v is None else check_phone_any(v)  # a mobile, or a landline with its area code

    @model_validator(mode="after")
    def _gender_matches_id(self) -> Applicant:
        if self.id_number and self.gender:
            from_id = "男" if check_id_number(self.id_number).gender == "male" else "女"
            if from_id != self.gender:
                raise ValidationError(
                    "gender does not match the ID number",
                    "您填写的性别与身份证号码不一致，请核对身份证号码或性别。",
                    "gender",
                )
        return self

    @property
    def id_info(self) -> IdInfo | None:
        return check_id_number(self.id_number) if self.id_number else None


class Party(_Person):
    """The other side (the future defendant): a person or a company. Only name and address are needed to
    identify a defendant (民诉解释 art. 209); age, ethnicity and ID number are not required (§3.2)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: Literal["person", "company"] = "person"
    address: str | None = None
    phone: str | None = None
    gender: str | None = None
    work_unit: str | None = None
    id_number: str | None = None
    legal_rep: str | None = None  # company: legal representative / principal
    legal_rep_title: str | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v: str | None) -> str:
        return _check_name(v, "对方")

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        return None if v is None else check_phone_any(v)


class EvidenceItem(BaseModel):
    """One piece of evidence for the complaint's list (民诉法 art. 124(四): evidence and its source)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    source: str | None = None
    note: str | None = None


# ------------------------------------------------------------------------- the defendants named in the form

COMPANY_WORDS = ("公司", "有限", "集团", "银行", "物业", "中心", "学校", "医院", "商行", "合作社", "厂")


def party_kind(name: str) -> Literal["person", "company"]:
    """A party named like an organisation (公司, 银行, 物业 …) is a company; anyone else a natural person."""
    return "company" if any(w in name for w in COMPANY_WORDS) else "person"


_LIST = re.compile(r"[、，,；;/]+")
_JOINED = re.compile(r"(?<=\S{2})(?:和|及|与|以及)(?=\S{2})")
_ADDRESS_LEAD = re.compile(r"^(的)?(住址|地址|住所地)?(是|为)?(住在|住|在)?[：:，,\s]*")


def defendant_names(text: str) -> list[str]:
    """The defendants the form's answer names: "王五、赵六", "王五和某某公司", "王五 赵六" — split only where
    each part is a name of two characters or more (张和平 stays one name)."""
    names: list[str] = []
    text = text.strip()
    if not any(w in text for w in COMPANY_WORDS):  # "王五 赵六"; a company's name may hold a space
        text = re.sub(r"\s+", "、", text)
    for piece in _LIST.split(text):
        parts = _JOINED.split(piece) if piece else []
        if len(parts) > 1 and all(len(p) >= 2 for p in parts):
            names.extend(parts)
        elif piece:
            names.append(piece)
    return list(dict.fromkeys(n.strip(" 。.：:") for n in names if n.strip(" 。.：:")))


def defendant_addresses(text: str, names: list[str]) -> dict[str, str]:
    """Each defendant's address from one answer: "王五住焦作市…；赵六：新城街道…" gives each theirs; an answer
    naming none of them is the first defendant's address."""
    if not text:
        return {}
    found = sorted((text.find(n), n) for n in names if n in text)
    if len(names) < 2 or not found:
        return {names[0]: text} if names else {}
    out = {}
    for i, (start, name) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        address = _ADDRESS_LEAD.sub("", text[start + len(name) : end]).strip(" ；;，,。")
        if address:
            out[name] = address
    return out


def to_row(
    role: Literal["plaintiff", "defendant"], p: Applicant | Party, cipher: PiiCipher, today: date | None = None
) -> CaseParty:
    """A ``CaseParty`` row: clear ID/phone encrypted, masked copies kept; birth date and gender from the ID."""
    row = CaseParty(
        role=role,
        kind=p.kind if isinstance(p, Party) else "person",
        name=p.name,
        gender=p.gender,
        address=p.address,
        work_unit=p.work_unit,
    )
    if isinstance(p, Applicant):
        row.ethnicity = p.ethnicity
        row.occupation = p.occupation
    else:
        row.legal_rep = p.legal_rep
        row.legal_rep_title = p.legal_rep_title
    if p.id_number:
        info = check_id_number(p.id_number, today)
        row.id_enc = cipher.encrypt(info.number)
        row.id_masked = mask_id(info.number)
        row.birth_date = info.birth_date.isoformat()
        row.gender = row.gender or ("男" if info.gender == "male" else "女")
    if p.phone:
        row.phone_enc = cipher.encrypt(p.phone)
        row.phone_masked = mask_phone(p.phone)
    return row


def copy_row(src: CaseParty) -> CaseParty:
    """A copy of a stored party for another record (encrypted values are copied as they are)."""
    return CaseParty(
        role=src.role,
        kind=src.kind,
        name=src.name,
        gender=src.gender,
        birth_date=src.birth_date,
        ethnicity=src.ethnicity,
        occupation=src.occupation,
        work_unit=src.work_unit,
        address=src.address,
        legal_rep=src.legal_rep,
        legal_rep_title=src.legal_rep_title,
        id_enc=src.id_enc,
        id_masked=src.id_masked,
        phone_enc=src.phone_enc,
        phone_masked=src.phone_masked,
    )


def _norm_name(name: str) -> str:
    return re.sub(r"\s+", "", name)


def dispute_keys(
    secret: str,
    *,
    cause: str | None,
    user_id: str,
    plaintiff: CaseParty | None,
    defendant: CaseParty | None,
    cipher: PiiCipher,
) -> set[str]:
    """Keyed hashes (HMAC-SHA256 with ``secret``) naming this dispute several ways: by the two names, by the
    plaintiff's ID number, and by the chat user. Two records share a key when they are the same dispute.
    No key without a cause and a defendant (nothing to compare)."""
    if not cause or defendant is None:
        return set()
    d = _norm_name(defendant.name)
    parts = [f"u|{cause}|{user_id}|{d}"]
    if plaintiff is not None:
        parts.append(f"n|{cause}|{_norm_name(plaintiff.name)}|{d}")
        if plaintiff.id_enc:
            parts.append(f"i|{cause}|{cipher.decrypt(plaintiff.id_enc)}|{d}")
    key = secret.encode("utf-8")
    return {hmac.new(key, p.encode("utf-8"), hashlib.sha256).hexdigest() for p in parts}
