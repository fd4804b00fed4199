"""How to reach the person: asked, with consent, before a referral or a 12368 ticket is handed off, and read back
before it is sent; a correction of the filing form's contact fields typed while another field is asked.

Before a referral (people's mediation) or a ticket is created, the person is told why a phone number is asked
and who sees it (the committee's mediator / the hotline staff, encrypted at rest, shown masked), and may decline
("不留": the hand-off goes ahead without it, and the reply says how they will be told instead). A name and a
number (a mainland mobile ``1[3-9]`` + 9 digits, or a landline with its area code such as 0391-1234567) may come
in one message or two; both are read back, masked, before the hand-off ("确认"). A correction ("不对 手机号输错了
是139…") changes the field it names and is never taken as another field.

While it is asked, the pending hand-off and the answers live in the consultation's ``form`` under the keys below
(the number sealed with ``PII_KEY`` like the filing form's sensitive fields); the form is emptied once casework
holds the record. Every function here is pure; ``bot.flow`` turns the results into steps.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import prompts
from casework.errors import ValidationError
from casework.parties import check_phone_any
from core.pii import PiiCipher, find_pii, mask_phone
from knowledge.extract import is_correction

FOR = "contact_for"  # "referral" | "ticket": the hand-off waiting for the answer
AREA = "contact_area"  # a referral's street or township, as read from the consent
NAME = "contact_name"
PHONE = "contact_phone"  # sealed: "enc:" + Fernet(PII_KEY)
ASK_BOTH, ASK_NAME, ASK_PHONE, ASK_CONFIRM = "contact", "contact_name", "contact_phone", "contact_confirm"
_SEALED = "enc:"

ContactFor = Literal["referral", "ticket"]

# A landline: area code 0 + 2-3 digits, then 7-8 digits (domain-facts §8.2), separators allowed; a run of 7+ digits
# that is neither a mobile nor a landline is a mistyped number.
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[\s\-－—]?\d{7,8}(?!\d)")
_DIGIT_RUN = re.compile(r"\d[\d\s\-－—]{5,}\d")
_NAME_CHARS = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fffA-Za-z·•．. ]+$")
_PUNCT = r"[:：,，。.;；、\s()（）]"


def _any_of(words: tuple[str, ...]) -> str:
    return "(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """From ``prompts/commands.yaml`` (``contact``): filler words, correction words, words no name holds, the
    words that name the name, and those before a corrected value."""
    words = prompts.commands().contact
    return (
        re.compile(f"{_any_of(words.filler)}|{_PUNCT}"),
        re.compile(_any_of(words.correction)),
        re.compile(_any_of(words.not_name)),
        re.compile(_any_of(words.name_cues)),
        re.compile(_any_of(words.value_cues)),
    )


@dataclass(frozen=True)
class Reading:
    """What one reply says: a name, a number (normalised), or why the number cannot be used."""

    name: str | None = None
    phone: str | None = None
    error: str | None = None


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in unicodedata.normalize("NFKC", text))


def _name_in(rest: str) -> str | None:
    filler, _, not_name, _, _ = _patterns()
    candidate = re.sub(r"\s+", " ", filler.sub(" ", rest)).strip(" ·•．.")
    if not candidate or not _NAME_CHARS.match(candidate) or not_name.search(candidate):
        return None
    han = sum(1 for ch in candidate if "\u3400" <= ch <= "\u9fff")
    if han == len(candidate.replace(" ", "")) and "·" not in candidate:
        return candidate.replace(" ", "") if 2 <= han <= 6 else None
    return candidate if 2 <= len(candidate) <= 30 else None


def read_contact(text: str, *, want_name: bool) -> Reading:
    """The name and number in ``text``. ``want_name``: a bare name is expected (the question asked for it); a
    correction names the name only when it says so (名/姓)."""
    filler, correction_words, _, name_cues, value_cues = _patterns()
    plain = _ascii_digits(text)
    correction = is_correction(text) or bool(correction_words.search(text))
    phone: str | None = None
    rest = plain
    mobiles = [m for m in find_pii(plain) if m.kind == "phone"]
    ids = [m for m in find_pii(plain) if m.kind == "id"]
    landline = _LANDLINE.search(plain)
    if mobiles:
        phone = mobiles[-1].value  # "139… 不对，是138…": the last number given stands
        for m in reversed(mobiles):
            rest = rest[: m.start] + " " + rest[m.end :]
    elif landline:
        try:
            phone = check_phone_any(landline.group())
        except ValidationError:
            phone = None
        rest = rest[: landline.start()] + " " + rest[landline.end() :]
    elif ids or _DIGIT_RUN.search(plain) or re.search(r"\d{5,}", plain):
        # the number cannot be used; a name typed with it is kept (nothing the person typed right is lost)
        name = _name_in(re.sub(r"[\d\s\-－—+]+", " ", plain)) if want_name and not correction else None
        return Reading(name=name, error=prompts.load("contact_not_id" if ids else "contact_phone_invalid"))
    if correction:
        rest = correction_words.sub(" ", rest)
        if value_cues.search(rest):  # "名字写错了，是李四": what follows "是" is the new value
            rest = value_cues.split(rest, maxsplit=1)[-1]
        name = _name_in(name_cues.sub(" ", rest)) if name_cues.search(text) else None
    else:
        name = _name_in(rest) if (want_name or phone) else None
    if re.search(r"\d", filler.sub("", rest)) and not phone:
        return Reading(name=name, error=prompts.load("contact_phone_invalid"))
    return Reading(name=name, phone=phone)


# ----------------------------------------------------------------------------------------------- sealing


@functools.lru_cache(maxsize=4)
def _cipher(key: str) -> PiiCipher:
    return PiiCipher(key)


def seal(pii_key: str, value: str) -> str:
    return _SEALED + _cipher(pii_key).encrypt(value)


def unseal(pii_key: str, value: str | None) -> str | None:
    """The clear value, or None when there is none or it no longer decrypts (the key was changed: ask again)."""
    if not value or not value.startswith(_SEALED):
        return None
    try:
        return _cipher(pii_key).decrypt(value[len(_SEALED) :])
    except ValueError:
        return None


# ------------------------------------------------------------------------------------------ the questions


def who_sees(kind: ContactFor) -> str:
    return prompts.load("contact_who_referral" if kind == "referral" else "contact_who_ticket")


def how_told(channel: str) -> str:
    """How the person hears about their record when nobody calls: WeChat pushes, or this chat."""
    return prompts.load("notice_reach_wechat" if channel == "wechat" else "notice_reach_chat")


def ask(kind: ContactFor, channel: str) -> str:
    return prompts.load("contact_ask", who=who_sees(kind), how_told=how_told(channel))


def ask_missing(name: str | None, phone: str | None) -> tuple[str, str]:
    """The question for what is still missing, and the ``asking`` it sets."""
    if phone is None and name is None:
        return prompts.load("contact_unclear"), ASK_BOTH
    if phone is None:
        return prompts.load("contact_ask_phone", name=name or ""), ASK_PHONE
    return prompts.load("contact_ask_name", phone=mask_phone(phone)), ASK_NAME


def confirm(name: str, phone: str, kind: ContactFor) -> str:
    return prompts.load("contact_confirm", name=name, phone=mask_phone(phone), who=who_sees(kind))


# ------------------------------------------------------------------------------- the filing form's fields

def form_correction(text: str) -> tuple[str, str] | None:
    """ "不对 手机号输错了 是139…" while the form asks another field: (the field it corrects, the new value as
    typed, for the field's own validator); None when ``text`` is no correction of a named field."""
    filler, correction_words, _, _, value_cues = _patterns()
    if not (is_correction(text) or correction_words.search(text)):
        return None
    for field, words in prompts.commands().contact.form_fields.items():
        if any(w in text for w in words):
            plain = _ascii_digits(text)
            if field in ("plaintiff_phone", "plaintiff_id"):
                found = [m for m in find_pii(plain) if m.kind == ("phone" if field == "plaintiff_phone" else "id")]
                value = found[-1].value if found else filler.sub("", correction_words.sub("", plain))
                return field, value
            parts = value_cues.split(text, maxsplit=1)
            return field, (parts[-1] if len(parts) > 1 else "").strip(" ：:，,。")
    return None
