"""ID and phone numbers never reach a log line in clear."""

from __future__ import annotations

import logging

from core.pii import MaskingFilter, PiiCipher, mask_id, mask_phone, mask_text

ID = "11010519491231002X"
PHONE = "13812345678"


def test_masks() -> None:
    assert mask_id(ID) == "1101**********002X"
    assert mask_phone(PHONE) == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("0391-3512345") == mask_phone("03913512345") == "0391****45"  # a landline with its area code
    assert mask_phone("0755-12345678") == "0755****78"
    text = f"我叫张三，身份证{ID.lower()}，电话+86 138 1234 5678，借了50000元，案号（2019）豫0811民初1234号"
    masked = mask_text(text)
    assert ID.lower() not in masked and "13812345678" not in masked and "1234 5678" not in masked
    assert "50000元" in masked and "（2019）豫0811民初1234号" in masked


def test_cipher_roundtrip_and_wrong_key() -> None:
    from cryptography.fernet import Fernet

    c = PiiCipher(Fernet.generate_key().decode())
    token = c.encrypt(ID)
    assert ID not in token and c.decrypt(token) == ID
    other = PiiCipher(Fernet.generate_key().decode())
    try:
        other.decrypt(token)
    except ValueError as exc:
        assert "PII_KEY" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("wrong key must not decrypt")


def test_filter_masks_messages_args_and_tracebacks(caplog: object) -> None:
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Collect()
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(MaskingFilter())
    log = logging.getLogger("test.pii")
    log.addHandler(handler)
    try:
        log.warning("user said %s and %s", ID, PHONE)
        try:
            raise ValueError(f"bad input {ID} {PHONE}")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    joined = "\n".join(records)
    assert "Traceback" in joined
    assert ID not in joined and PHONE not in joined


def test_filter_survives_a_log_call_with_bad_arguments() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "value %d and %s", (ID,), None)
    assert MaskingFilter().filter(record)
    text = logging.Formatter("%(message)s").format(record)
    assert "bad log call" in text and ID not in text
