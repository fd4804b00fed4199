"""Signed download links for the person's complaint draft (no login, no path from the user).

The token carries only the record id, signed with ``SESSION_SECRET`` (itsdangerous, salted, timed). The
workbench route ``/workbench/c/<token>`` checks it and serves that record's DOCX; the server prefixes the path
with its public address when it sends the link in the chat.
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from casework.errors import RecordNotFound

SALT = "complaint-download"
MAX_AGE_S = 30 * 24 * 3600
PATH_PREFIX = "/workbench/c/"


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def download_token(secret: str, record_id: int) -> str:
    return _serializer(secret).dumps({"r": record_id})


def download_path(secret: str, record_id: int) -> str:
    return PATH_PREFIX + download_token(secret, record_id)


def record_id_from_token(secret: str, token: str, max_age_s: int = MAX_AGE_S) -> int:
    """The record id in a valid token; RecordNotFound (404) for a bad or expired one."""
    try:
        data = _serializer(secret).loads(token, max_age=max_age_s)
    except SignatureExpired as exc:
        raise RecordNotFound("expired download token", "下载链接已过期，请在对话中回复“查询进度”获取新链接。") from exc
    except BadSignature as exc:
        raise RecordNotFound("bad download token", "下载链接无效。") from exc
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise RecordNotFound("malformed download token", "下载链接无效。")
    return int(data["r"])
