"""Signatures and AES: Tencent's known-answer vectors, an independent implementation, and tampering."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from wechatpy.crypto import PrpCrypto

from bot.wechat.crypto import (
    MessageCrypto,
    check_timestamp,
    decode_aes_key,
    msg_signature,
    pkcs7_pad,
    pkcs7_unpad,
    signature_matches,
    url_signature,
)
from bot.wechat.errors import AppIdMismatchError, ConfigError, DecryptError, ReplayError, SignatureError
from bot.wechat.inbound import parse_fields


def _of_kind(vectors: list[dict[str, Any]], *kinds: str) -> list[dict[str, Any]]:
    return [v for v in vectors if v["kind"] in kinds]


def test_vector_file_has_every_kind(vectors: list[dict[str, Any]]) -> None:
    kinds = {v["kind"] for v in vectors}
    assert len(vectors) == 17
    assert {"signature", "signature_must_fail", "encrypt_fixed_random", "decrypt_post", "encrypt_reply"} <= kinds


def test_url_signatures(vectors: list[dict[str, Any]]) -> None:
    for v in _of_kind(vectors, "signature"):
        assert url_signature(v["token"], v["timestamp"], v["nonce"]) == v["signature"], v["id"]
        assert signature_matches(url_signature(v["token"], v["timestamp"], v["nonce"]), v["signature"])


def test_bad_signature_vector_fails(vectors: list[dict[str, Any]]) -> None:
    (v,) = _of_kind(vectors, "signature_must_fail")
    assert not signature_matches(url_signature(v["token"], v["timestamp"], v["nonce"]), v["signature"])


def test_computed_url_signatures(vectors: list[dict[str, Any]]) -> None:
    checked = 0
    for v in vectors:
        if "url_signature_computed" in v:
            assert url_signature(v["token"], v["timestamp"], v["nonce"]) == v["url_signature_computed"], v["id"]
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize("given", [None, "", "é" * 40, "0" * 40])
def test_signature_matches_rejects_junk(given: str | None) -> None:
    assert not signature_matches(url_signature("t", "1", "2"), given)


def test_signature_match_is_case_insensitive() -> None:
    sig = url_signature("t", "1", "2")
    assert signature_matches(sig, sig.upper())


def test_encrypt_with_pinned_random_matches_tencent(vectors: list[dict[str, Any]]) -> None:
    cases = _of_kind(vectors, "encrypt_fixed_random", "encrypt_reply")
    assert len(cases) == 5
    for v in cases:
        crypto = MessageCrypto(v["token"], v["encoding_aes_key"], v["appid"])
        encrypt = crypto.encrypt(v["plaintext"], prefix=v["random"].encode())
        assert encrypt == v["ciphertext"], v["id"]
        assert crypto.decrypt(encrypt) == v["plaintext"], v["id"]
        expected_sig = v.get("msg_signature") or v["msg_signature_computed"]
        assert crypto.sign(v["timestamp"], v["nonce"], encrypt) == expected_sig, v["id"]


def test_encrypted_reply_envelope_matches_doc(vectors: list[dict[str, Any]]) -> None:
    for v in _of_kind(vectors, "encrypt_reply"):
        if "reply_xml" not in v:
            continue
        crypto = MessageCrypto(v["token"], v["encoding_aes_key"], v["appid"])
        ours = parse_fields(
            crypto.encrypt_reply(
                v["plaintext"], timestamp=v["timestamp"], nonce=v["nonce"], prefix=v["random"].encode()
            )
        )
        theirs = parse_fields(v["reply_xml"])
        assert ours == theirs, v["id"]


def test_decrypt_posts(vectors: list[dict[str, Any]]) -> None:
    cases = _of_kind(vectors, "decrypt_post")
    assert len(cases) == 5
    for v in cases:
        crypto = MessageCrypto(v["token"], v["encoding_aes_key"], v["appid"])
        encrypt = parse_fields(v["body"])["Encrypt"]
        crypto.verify(v["msg_signature"], v["timestamp"], v["nonce"], encrypt)
        assert crypto.decrypt(encrypt) == v["expected_plaintext"], v["id"]


def test_decrypt_json_post(vectors: list[dict[str, Any]]) -> None:
    (v,) = _of_kind(vectors, "decrypt_post_json")
    crypto = MessageCrypto(v["token"], v["encoding_aes_key"], v["appid"])
    crypto.verify(v["msg_signature"], v["timestamp"], v["nonce"], v["encrypt"])
    assert crypto.decrypt(v["encrypt"]) == v["expected_plaintext"]


def test_encrypted_echostr_vectors(vectors: list[dict[str, Any]]) -> None:
    cases = _of_kind(vectors, "verify_url_encrypted")
    assert cases
    for v in cases:
        crypto = MessageCrypto(v["token"], v["encoding_aes_key"], v["appid"])
        crypto.verify(v["msg_signature"], v["timestamp"], v["nonce"], v["echostr"])
        assert crypto.decrypt(v["echostr"]) == v["expected_echostr_plaintext"]


def test_wrong_msg_signature_is_refused(vectors: list[dict[str, Any]]) -> None:
    v = _of_kind(vectors, "decrypt_post")[0]
    crypto = MessageCrypto(v["token"], v["encoding_aes_key"], v["appid"])
    encrypt = parse_fields(v["body"])["Encrypt"]
    with pytest.raises(SignatureError):
        crypto.verify(v["msg_signature"][:-1] + "0", v["timestamp"], v["nonce"], encrypt)
    with pytest.raises(SignatureError):
        crypto.verify(v["msg_signature"], v["timestamp"], v["nonce"], encrypt[:-4] + "AAA=")


def test_wrong_appid_is_refused(vectors: list[dict[str, Any]]) -> None:
    v = _of_kind(vectors, "decrypt_post")[0]
    other = MessageCrypto(v["token"], v["encoding_aes_key"], "wx0000000000000000")
    with pytest.raises(AppIdMismatchError):
        other.decrypt(parse_fields(v["body"])["Encrypt"])


def test_roundtrip_with_independent_implementation(ref: Any, wx: Any) -> None:
    ours = MessageCrypto(wx.TOKEN, wx.AES_KEY, wx.APPID)
    for text in ["", "a", "诉前辅导 😀 " * 50, "x" * 31, "x" * 32, "y" * 33]:
        assert ours.decrypt(ref.encrypt(text)) == text
        assert ref.decrypt(ours.encrypt(text)) == (text, wx.APPID)
        assert ref.signature("1", "2", "E") == ours.sign("1", "2", "E")


def test_interoperates_with_wechatpy(wx: Any) -> None:
    ours = MessageCrypto(wx.TOKEN, wx.AES_KEY, wx.APPID)
    theirs = PrpCrypto(decode_aes_key(wx.AES_KEY))
    text = "<xml><Content><![CDATA[借款两万元没还]]></Content></xml>"
    assert theirs.decrypt(ours.encrypt(text), wx.APPID) == text
    assert ours.decrypt(theirs.encrypt(text, wx.APPID).decode()) == text


def test_pkcs7_pads_to_32_byte_blocks() -> None:
    assert len(pkcs7_pad(b"")) == 32
    assert pkcs7_pad(b"a" * 32)[-1] == 32
    assert pkcs7_unpad(pkcs7_pad(b"abc")) == b"abc"


@pytest.mark.parametrize("tail", [b"\x00", b"\x21", b"\x01\x02", b"\x03\x03\x02"])
def test_bad_padding_is_refused(tail: bytes) -> None:
    with pytest.raises(DecryptError):
        pkcs7_unpad(b"x" * 29 + tail)


def _encrypt_raw(wx: Any, raw: bytes) -> str:
    """Encrypt arbitrary plaintext bytes with proper padding (to forge malformed inner layouts)."""
    key = decode_aes_key(wx.AES_KEY)
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(pkcs7_pad(raw)) + enc.finalize()).decode()


@pytest.mark.parametrize(
    "raw",
    [
        b"0123456789abcdef" + b"\x00\x00",  # too short for the length field
        b"0123456789abcdef" + (1000).to_bytes(4, "big") + b"<xml/>",  # length beyond the data
        b"0123456789abcdef" + (2).to_bytes(4, "big") + b"\xff\xfe" + b"wx5823bf96d3bd56c7",  # not UTF-8
    ],
)
def test_malformed_plaintext_layout_is_refused(wx: Any, raw: bytes) -> None:
    crypto = MessageCrypto(wx.TOKEN, wx.AES_KEY, wx.APPID)
    with pytest.raises((DecryptError, AppIdMismatchError)):
        crypto.decrypt(_encrypt_raw(wx, raw))


@pytest.mark.parametrize("encrypt", ["not base64 !!", "", "QUJD", base64.b64encode(b"x" * 17).decode()])
def test_garbage_ciphertext_is_refused(wx: Any, encrypt: str) -> None:
    with pytest.raises(DecryptError):
        MessageCrypto(wx.TOKEN, wx.AES_KEY, wx.APPID).decrypt(encrypt)


def test_random_ciphertext_is_refused(wx: Any) -> None:
    crypto = MessageCrypto(wx.TOKEN, wx.AES_KEY, wx.APPID)
    refused = 0
    for i in range(50):
        blob = base64.b64encode(bytes((i * 37 + j * 11) % 256 for j in range(64))).decode()
        try:
            crypto.decrypt(blob)
        except (DecryptError, AppIdMismatchError):
            refused += 1
    assert refused == 50


@pytest.mark.parametrize("key", ["short", "!" * 43, "a" * 44])
def test_bad_aes_key_is_a_config_error(key: str) -> None:
    with pytest.raises(ConfigError):
        decode_aes_key(key)


def test_msg_signature_sorts_all_four_parts() -> None:
    assert msg_signature("t", "1", "2", "E") == hashlib.sha1(b"12Et").hexdigest()
    assert msg_signature("t", "1", "2", "E") == msg_signature("E", "2", "1", "t")


def test_timestamp_window() -> None:
    assert check_timestamp("1000", now=1100, tolerance_s=300) == 1000
    assert check_timestamp("1400", now=1100, tolerance_s=300) == 1400
    for bad in [None, "", "abc", "-5", "1" * 20, "１２３"]:
        with pytest.raises(ReplayError):
            check_timestamp(bad, now=1100, tolerance_s=300)
    with pytest.raises(ReplayError):
        check_timestamp("700", now=1100, tolerance_s=300)
    with pytest.raises(ReplayError):
        check_timestamp("1500", now=1100, tolerance_s=300)
