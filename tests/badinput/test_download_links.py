"""Complaint download links cannot be forged and end when the record is withdrawn (issue 14 §7).

``make run`` (APP_ENV=development) signed links with the shipped placeholder ``SESSION_SECRET``, and a link
carried only the record's sequential id: anyone could sign ``{"r": n}`` for every n and download every
complaint draft (ID and phone numbers in clear). Now the development secret is generated once per installation
and kept under ``var/``; a link also carries the record's own random key, which only the database holds, so
knowing the secret is not enough; and a withdrawn record's link is refused.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from bench.drive import send, talk_until
from bench.user import Persona, SimUser
from casework.models import CaseRecord

LINK = re.compile(r"(/workbench/c/[A-Za-z0-9_.\-]+)")


def _filing(product: TestClient, bx: SimpleNamespace, openid: str) -> tuple[str, str, int]:
    """A person's filing through the chat: (reference, download link, record id)."""
    persona = Persona(story="朋友借我三万块钱一直不还，有借条", route="filing", name="赵敏",
                      id_number="410811198503041230", phone="13912345678")
    reply = talk_until(product, bx.client, SimUser(openid, persona), lambda r: "编号LA-" in r, mode="aes")
    ref = reply.split("编号", 1)[1][:12]
    link = LINK.search(reply)
    assert link, reply
    factory = product.app.state.runtime.sessions  # type: ignore[attr-defined]
    with factory() as s:
        record_id = s.scalars(select(CaseRecord.id).where(CaseRecord.ref == ref)).one()
    return ref, link.group(1), record_id


def test_knowing_the_secret_is_not_enough_to_forge_a_link(product: TestClient, bx: SimpleNamespace) -> None:
    _, link, record_id = _filing(product, bx, "o-link-victim-0001")
    assert product.get(link).status_code == 200  # the person's own link works
    secret = product.app.state.runtime.settings.session_secret  # type: ignore[attr-defined]
    serializer = URLSafeTimedSerializer(secret, salt="complaint-download")
    for forged in ({"r": record_id}, {"r": record_id, "k": ""}, {"r": record_id, "k": "A" * 22}):
        resp = product.get(f"/workbench/c/{serializer.dumps(forged)}")
        assert resp.status_code == 404, (forged, resp.status_code)
        assert b"PK" not in resp.content[:2]


def test_a_withdrawn_records_link_is_refused(product: TestClient, bx: SimpleNamespace) -> None:
    openid = "o-link-withdraw-0001"
    ref, link, _ = _filing(product, bx, openid)
    assert product.get(link).status_code == 200
    assert "已撤回" in send(product, bx.client, openid, f"撤回 {ref}", "aes").reply
    resp = product.get(link)
    assert resp.status_code == 404 and "撤回" in resp.text
    progress = send(product, bx.client, openid, "查询进度", "aes").reply
    assert ref in progress and "/workbench/c/" not in progress
