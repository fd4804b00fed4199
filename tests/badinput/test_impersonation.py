"""Impersonation by replaying a logged callback URL (issue 14 §1).

The attack: WeChat's callback URL carries ``timestamp``, ``nonce`` and ``signature`` (safe mode adds
``encrypt_type`` and ``msg_signature``), and an access log or a proxy log keeps it. The plaintext ``signature``
covers only (token, timestamp, nonce), never the body, so whoever reads one log line could post any plaintext
body under those parameters: ``查询进度`` with the victim's openid answered with their records and a fresh
complaint link, and ``撤回 LA-…`` withdrew their filing.

* An account in safe (or compatible) mode (``WECHAT_MESSAGE_MODE``, the default ``safe``) refuses plaintext:
  the only accepted body is the ``Encrypt`` envelope that ``msg_signature`` covers.
* An account in plaintext mode keeps each (timestamp, nonce, signature) for the tolerance window: the same
  parameters with another body are refused; the same request again (a WeChat retry) is answered as before.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bench.drive import send, talk_until
from bench.user import Persona, SimUser
from bench.wxclient import text_xml
from casework.models import CaseRecord
from core.settings import Settings

ID_NUMBER = "410811198503041230"
PHONE = "13912345678"


def _settings(tmp: Path, bx: SimpleNamespace, mode: str | None) -> Settings:
    """The account's settings; ``mode`` None leaves ``WECHAT_MESSAGE_MODE`` at its default."""
    settings: Settings = bx.make_settings(tmp, wechat_message_mode=mode, session_secret="impersonation-session-secret")
    return settings


def _app(tmp: Path, bx: SimpleNamespace, mode: str | None) -> Iterator[TestClient]:
    from server import create_app

    with TestClient(create_app(_settings(tmp, bx, mode)), follow_redirects=False) as client:
        yield client


@pytest.fixture(scope="module")
def safe_product(tmp_path_factory: pytest.TempPathFactory, bx: SimpleNamespace) -> Iterator[TestClient]:
    """An account with an EncodingAESKey and no WECHAT_MESSAGE_MODE given: safe mode, the default."""
    yield from _app(tmp_path_factory.mktemp("safe"), bx, None)


@pytest.fixture(scope="module")
def plain_product(tmp_path_factory: pytest.TempPathFactory, bx: SimpleNamespace) -> Iterator[TestClient]:
    yield from _app(tmp_path_factory.mktemp("plain"), bx, "plain")


def _file(http: Any, bx: SimpleNamespace, openid: str, mode: str) -> str:
    """The victim's own conversation, up to a filing; its reference."""
    persona = Persona(story="朋友借我三万块钱一直不还，有借条", route="filing", name="王芳", id_number=ID_NUMBER,
                      phone=PHONE)
    user = SimUser(openid, persona)
    reply = talk_until(http, bx.client, user, lambda r: "编号LA-" in r, mode=mode)  # type: ignore[arg-type]
    ref = reply.split("编号", 1)[1][:12]
    assert ref.startswith("LA-"), reply
    return ref


def _status(http: Any, ref: str) -> str:
    factory = http.app.state.runtime.sessions
    with factory() as s:
        record = s.scalars(select(CaseRecord).where(CaseRecord.ref == ref)).one()
        return str(record.state)


def _forged(bx: SimpleNamespace, logged: dict[str, str], openid: str, text: str) -> tuple[dict[str, str], bytes]:
    """What the attacker posts: the three plaintext parameters of a logged URL, and a plaintext body of their own."""
    params = {k: logged[k] for k in ("timestamp", "nonce", "signature")}
    body = text_xml(bx.ACCOUNT.account, openid, text, str(time.time_ns() // 1000), int(time.time()))
    return params, body.encode("utf-8")


def test_a_safe_mode_account_refuses_plaintext_under_logged_parameters(
    safe_product: TestClient, bx: SimpleNamespace
) -> None:
    victim = "o-victim-safe-0001"
    ref = _file(safe_product, bx, victim, "aes")
    logged = bx.client.text(victim, "查询进度", "aes")  # one of the victim's callbacks, as an access log kept it
    first = safe_product.post("/wechat", params=logged.params, content=logged.body)
    assert first.status_code == 200 and ref in bx.client.read_reply(first.text, "aes", victim)

    params, body = _forged(bx, logged.params, victim, "查询进度")
    stolen = safe_product.post("/wechat", params=params, content=body)
    assert stolen.status_code == 403, stolen.text[:300]
    assert ref not in stolen.text and "/workbench/c/" not in stolen.text and ID_NUMBER[:6] not in stolen.text

    params, body = _forged(bx, logged.params, victim, f"撤回 {ref}")
    assert safe_product.post("/wechat", params=params, content=body).status_code == 403
    assert _status(safe_product, ref) != "withdrawn"

    # a fresh, correctly signed plaintext message is refused all the same: the account is in safe mode
    fresh = bx.client.text(victim, "查询进度", "plain")
    assert safe_product.post("/wechat", params=fresh.params, content=fresh.body).status_code == 403
    # and the victim's own encrypted messages still work
    assert ref in send(safe_product, bx.client, victim, "查询进度", "aes").reply


def test_a_plain_mode_account_refuses_logged_parameters_with_another_body(
    plain_product: TestClient, bx: SimpleNamespace
) -> None:
    victim = "o-victim-plain-0001"
    ref = _file(plain_product, bx, victim, "plain")
    logged = bx.client.text(victim, "你好", "plain")  # one of the victim's callbacks, as an access log kept it
    first = plain_product.post("/wechat", params=logged.params, content=logged.body)
    assert first.status_code == 200

    for text in ("查询进度", f"撤回 {ref}"):
        params, body = _forged(bx, logged.params, victim, text)
        stolen = plain_product.post("/wechat", params=params, content=body)
        assert stolen.status_code == 403, stolen.text[:300]
        assert ref not in stolen.text and "/workbench/c/" not in stolen.text
    assert _status(plain_product, ref) != "withdrawn"

    # WeChat's own retry of the very same request is still answered, from the stored reply
    again = plain_product.post("/wechat", params=logged.params, content=logged.body)
    assert again.status_code == 200
    assert bx.client.read_reply(again.text, "plain", victim) == bx.client.read_reply(first.text, "plain", victim)
