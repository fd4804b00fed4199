"""Signatures and message encryption of the WeChat official-account callback protocol.

The algorithm (Tencent's WXBizMsgCrypt, "消息加解密说明"; known-answer vectors in
``shared/wechat/vectors.json``):

* URL signature: ``sha1("".join(sorted([token, timestamp, nonce])))``, lower-case hex.
* Message signature (safe/compatible mode): the same over ``[token, timestamp, nonce, Encrypt]``.
* AES key: ``base64decode(EncodingAESKey + "=")`` → 32 bytes; IV = the first 16 bytes of the key.
* Cipher: AES-256-CBC; PKCS#7 padding to a multiple of **32** bytes (pad byte 1..32).
* Plaintext: ``random(16) + uint32_be(len(msg)) + msg (UTF-8) + appid``.

We implement this with ``cryptography`` rather than wechatpy's ``WeChatCrypto`` because wechatpy's decrypt
does not check the padding bytes or the length field (a truncated or tampered plaintext slices silently) and
parses the envelope with plain ``xmltodict``. Here every check fails loudly with an ``InboundError``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import string

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.wechat.errors import AppIdMismatchError, ConfigError, DecryptError, ReplayError, SignatureError

BLOCK_SIZE = 32  # WeChat pads to 32-byte blocks, not AES's 16
_RANDOM_ALPHABET = string.ascii_letters + string.digits


def sha1_signature(*parts: str) -> str:
    """``sha1`` of the lexicographically sorted parts joined with no separator, lower-case hex."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()  # noqa: S324 - the protocol's choice


def url_signature(token: str, timestamp: str, nonce: str) -> str:
    return sha1_signature(token, timestamp, nonce)


def msg_signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    return sha1_signature(token, timestamp, nonce, encrypt)


def signature_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison; a missing or non-ASCII ``given`` never matches."""
    if not given or not given.isascii():
        return False
    return hmac.compare_digest(expected.encode("ascii"), given.strip().lower().encode("ascii"))


def check_timestamp(timestamp: str | None, now: float, tolerance_s: int) -> int:
    """The request's timestamp as an int; ``ReplayError`` when missing, malformed or too far from ``now``."""
    if not timestamp or not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise ReplayError("missing or malformed timestamp")
    value = int(timestamp)
    if abs(now - value) > tolerance_s:
        raise ReplayError("timestamp outside the accepted window")
    return value


def decode_aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key from the 43-character EncodingAESKey of the WeChat console."""
    if len(encoding_aes_key) != 43:
        raise ConfigError("EncodingAESKey must be 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigError("EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise ConfigError("EncodingAESKey does not decode to 32 bytes")
    return key


def random_prefix() -> bytes:
    """16 random ASCII letters/digits, the shape Tencent's samples use for the plaintext prefix."""
    return "".join(secrets.choice(_RANDOM_ALPHABET) for _ in range(16)).encode("ascii")


def pkcs7_pad(data: bytes, block_size: int = BLOCK_SIZE) -> bytes:
    pad = block_size - len(data) % block_size
    return data + bytes([pad]) * pad


def pkcs7_unpad(data: bytes, block_size: int = BLOCK_SIZE) -> bytes:
    if not data:
        raise DecryptError("empty plaintext")
    pad = data[-1]
    if not 1 <= pad <= block_size or pad > len(data) or data[-pad:] != bytes([pad]) * pad:
        raise DecryptError("bad padding")
    return data[:-pad]


class MessageCrypto:
    """Encrypts and decrypts message bodies for one official account (token, EncodingAESKey, appid)."""

    def __init__(self, token: str, encoding_aes_key: str, appid: str) -> None:
        self.token = token
        self.appid = appid
        self._key = decode_aes_key(encoding_aes_key)

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def sign(self, timestamp: str, nonce: str, encrypt: str) -> str:
        return msg_signature(self.token, timestamp, nonce, encrypt)

    def verify(self, signature: str | None, timestamp: str, nonce: str, encrypt: str) -> None:
        if not signature_matches(self.sign(timestamp, nonce, encrypt), signature):
            raise SignatureError("msg_signature does not match")

    def encrypt(self, plaintext: str, *, prefix: bytes | None = None) -> str:
        """Base64 ciphertext of ``plaintext``; ``prefix`` pins the 16 random bytes (known-answer tests)."""
        prefix = random_prefix() if prefix is None else prefix
        if len(prefix) != 16:
            raise ValueError("the random prefix must be 16 bytes")
        msg = plaintext.encode("utf-8")
        raw = prefix + len(msg).to_bytes(4, "big") + msg + self.appid.encode("utf-8")
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(pkcs7_pad(raw)) + encryptor.finalize()).decode("ascii")

    def decrypt(self, encrypt: str) -> str:
        """The message inside ``encrypt``. ``DecryptError`` on any malformation, ``AppIdMismatchError`` when
        the trailing appid is not ours."""
        try:
            data = base64.b64decode(encrypt.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise DecryptError("Encrypt is not base64") from exc
        if not data or len(data) % 16:
            raise DecryptError("ciphertext length is not a multiple of the AES block")
        decryptor = self._cipher().decryptor()
        plain = pkcs7_unpad(decryptor.update(data) + decryptor.finalize())
        if len(plain) < 20:
            raise DecryptError("plaintext too short")
        length = int.from_bytes(plain[16:20], "big")
        if length > len(plain) - 20:
            raise DecryptError("length field exceeds the plaintext")
        msg, appid = plain[20 : 20 + length], plain[20 + length :]
        if not hmac.compare_digest(appid, self.appid.encode("utf-8")):
            raise AppIdMismatchError("the message is for another app id")
        try:
            return msg.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecryptError("decrypted message is not UTF-8") from exc

    def encrypt_reply(self, reply_xml: str, *, timestamp: str, nonce: str, prefix: bytes | None = None) -> str:
        """The safe-mode reply envelope: ``<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>``."""
        encrypt = self.encrypt(reply_xml, prefix=prefix)
        signature = self.sign(timestamp, nonce, encrypt)
        return (
            "<xml>\n"
            f"<Encrypt><![CDATA[{encrypt}]]></Encrypt>\n"
            f"<MsgSignature><![CDATA[{signature}]]></MsgSignature>\n"
            f"<TimeStamp>{timestamp}</TimeStamp>\n"
            f"<Nonce><![CDATA[{nonce}]]></Nonce>\n"
            "</xml>"
        )
