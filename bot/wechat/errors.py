"""The WeChat edge's exceptions, in one hierarchy.

``WeChatError``
    ├── ``ConfigError`` — a WeChat setting is unusable (e.g. an EncodingAESKey that is not 43 base64 characters)
    ├── ``InboundError`` — a request from "WeChat" that we refuse; ``status`` is the HTTP status to answer with
    │     ├── ``SignatureError`` (403) — missing or wrong ``signature`` / ``msg_signature``
    │     ├── ``ReplayError`` (403) — timestamp missing, malformed or outside the tolerance window
    │     ├── ``PlaintextRefusedError`` (403) — a plaintext message to an account in safe or compatible mode
    │     ├── ``AppIdMismatchError`` (403) — the decrypted body names another app id
    │     ├── ``DecryptError`` (400) — the ciphertext is not valid base64 / AES / PKCS#7 / layout
    │     ├── ``BodyTooLargeError`` (413) — the body exceeds ``wechat_max_body_bytes``
    │     ├── ``EncodingError`` (400) — the body is not UTF-8
    │     ├── ``ForbiddenXmlError`` (400) — DOCTYPE, entities or external references (XXE, billion laughs)
    │     └── ``MalformedXmlError`` (400) — not well-formed XML, or a required field is missing
    └── ``GatewayError`` — an outbound call to the WeChat API failed; ``retryable`` says whether to try again
          ├── ``TransportError`` — network error, timeout, HTTP error status, or a body that is not JSON
          └── ``WeChatApiError`` — WeChat answered with a non-zero ``errcode``

Nothing here carries user text: messages name the failure, never the content, so they are safe to log.
"""

from __future__ import annotations


class WeChatError(Exception):
    """Base of every error raised by ``bot.wechat``."""


class ConfigError(WeChatError):
    """A WeChat setting cannot be used (raised at start-up or when the edge is built, never per request)."""


class InboundError(WeChatError):
    """A request we refuse. The router answers ``status`` with a short plain-text reason and processes nothing."""

    status: int = 400
    reason: str = "bad request"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.reason)
        self.detail = detail or self.reason


class SignatureError(InboundError):
    status = 403
    reason = "invalid signature"


class ReplayError(InboundError):
    status = 403
    reason = "stale or invalid timestamp"


class PlaintextRefusedError(InboundError):
    status = 403
    reason = "plaintext messages are not accepted"


class AppIdMismatchError(InboundError):
    status = 403
    reason = "app id mismatch"


class DecryptError(InboundError):
    status = 400
    reason = "cannot decrypt message"


class BodyTooLargeError(InboundError):
    status = 413
    reason = "body too large"


class EncodingError(InboundError):
    status = 400
    reason = "body is not UTF-8"


class ForbiddenXmlError(InboundError):
    status = 400
    reason = "DOCTYPE and entities are not accepted"


class MalformedXmlError(InboundError):
    status = 400
    reason = "malformed XML"


class GatewayError(WeChatError):
    """An outbound WeChat API call failed. ``retryable``: a later attempt may succeed."""

    retryable: bool = True

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class TransportError(GatewayError):
    """Network failure, timeout, HTTP error status or a non-JSON answer."""


class WeChatApiError(GatewayError):
    """WeChat answered ``{"errcode": N, "errmsg": ...}`` with N ≠ 0."""

    def __init__(self, errcode: int, errmsg: str, *, retryable: bool) -> None:
        super().__init__(f"WeChat API error {errcode}: {errmsg}", retryable=retryable)
        self.errcode = errcode
        self.errmsg = errmsg
