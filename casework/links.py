"""Download links for the person's complaint draft (no login, no path from the user).

A link is ``/workbench/c/<token>`` (the DOCX; ``…/pdf`` the same complaint as a PDF); the token is signed with
``SESSION_SECRET`` (itsdangerous, salted, timed) and carries the record id and the record's own ``download_key``:
16 random bytes made when the filing is created and kept only in the database. Knowing the secret (or a sequential
id) is therefore not enough to make a link: one must also have read the person's own link. A link ends when it
expires (30 days; "查询进度" gives a fresh one), and as soon as the record is withdrawn. The server prefixes the path
with its public address when it sends the link in the chat.
"""

from __future__ import annotations

import hmac
import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from casework.errors import RecordNotFound
from casework.machine import Kind
from casework.models import CaseRecord

SALT = "complaint-download"
MAX_AGE_S = 30 * 24 * 3600
PATH_PREFIX = "/workbench/c/"
PDF_SUFFIX = "/pdf"  # the same complaint as a PDF: ``/workbench/c/<token>/pdf``
WITHDRAWN = "withdrawn"  # the lifecycles' state of a withdrawn record: its links end
_INVALID = "下载链接无效。"


def new_download_key() -> str:
    return secrets.token_urlsafe(16)


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def download_token(secret: str, record_id: int, key: str) -> str:
    return _serializer(secret).dumps({"r": record_id, "k": key})


def download_path(secret: str, record: CaseRecord) -> str | None:
    """The person's link to ``record``'s complaint draft; None when it has none (not a filing, or withdrawn)."""
    if record.kind != Kind.FILING or record.state == WITHDRAWN or not record.download_key:
        return None
    return PATH_PREFIX + download_token(secret, record.id, record.download_key)


def open_download(session: Session, secret: str, token: str, *, max_age_s: int = MAX_AGE_S) -> CaseRecord:
    """The filing a valid token names; ``RecordNotFound`` (404) for a bad, expired, forged or ended link."""
    try:
        data = _serializer(secret).loads(token, max_age=max_age_s)
    except SignatureExpired as exc:
        raise RecordNotFound("expired download token", "下载链接已过期，请在对话中回复“查询进度”获取新链接。") from exc
    except BadSignature as exc:
        raise RecordNotFound("bad download token", _INVALID) from exc
    if not isinstance(data, dict) or not isinstance(data.get("r"), int) or not isinstance(data.get("k"), str):
        raise RecordNotFound("malformed download token", _INVALID)
    record = session.get(CaseRecord, data["r"])
    key = record.download_key if record is not None else None
    if record is None or record.kind != Kind.FILING or not key:
        raise RecordNotFound(f"no filing behind download token {data['r']}", _INVALID)
    if not hmac.compare_digest(key.encode("utf-8"), data["k"].encode("utf-8")):
        raise RecordNotFound(f"wrong download key for record {record.id}", _INVALID)
    if record.state == WITHDRAWN:
        raise RecordNotFound(f"record {record.ref} withdrawn", "这份起诉状已撤回，下载链接已失效。")
    return record
