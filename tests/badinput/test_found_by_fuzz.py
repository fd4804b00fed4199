"""Cases the fuzz run found, kept as plain regression tests (the fuzz examples vary; these do not)."""

from __future__ import annotations

from types import SimpleNamespace

from fastapi.testclient import TestClient

from bench.drive import send


def test_an_id_number_added_after_an_unrecognised_story_is_answered(product: TestClient, bx: SimpleNamespace) -> None:
    """A story the bot cannot place (cause 其他) and then an ID number as "more detail": the number was read as an
    amount of 1.1e16 yuan, the assessment refused it, dropping the fact did not help (the amount is read again
    from the story text) and the person got "系统开小差了"."""
    openid = "o-found-id-after-other"
    first = send(product, bx.client, openid, "我想咨询一件事情怎么办呢")
    assert first.status == 200 and "系统开小差" not in first.reply
    ex = send(product, bx.client, openid, "11010519491231002X")
    assert ex.status == 200
    assert "系统开小差" not in ex.reply, ex.reply
    assert bx.half_written(product) == 0
