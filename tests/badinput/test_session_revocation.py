"""Signing out, a password change and deactivation end the workbench session on the server (issue 14 §6).

A session was only a signed cookie: logging out cleared the browser's copy, but a copy of the cookie taken before
(from a shared computer, a proxy log, a stolen laptop) kept revealing ID numbers until it expired. The cookie now
carries the account's session epoch, checked against the database on every request; signing out, a password change
and (de)activation raise it, so every cookie issued before is refused and its bearer is sent to sign in again.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select

import casework.staff
from casework.models import StaffUser
from casework.notify import RecordingNotifier
from casework.parties import Applicant, Party
from casework.service import HandoffRequest, create_handoff
from web import SESSION_COOKIE

ID_NUMBER = "410811198503041230"
PASSWORD = "pw-revoke-staff-01"
NEW_PASSWORD = "pw-revoke-staff-02"
_n = itertools.count(1)


@pytest.fixture(scope="module")
def filing(product: TestClient) -> int:
    """A filing whose plaintiff's ID number a clerk may reveal: its record id."""
    runtime = product.app.state.runtime  # type: ignore[attr-defined]
    req = HandoffRequest(
        kind="filing", user_id="o-revoke-0001", channel="wechat", dedupe_key="m-revoke-0001", cause="民间借贷纠纷",
        summary="朋友借款三万元到期不还，有借条。", consent=True,
        applicant=Applicant(name="赵敏", id_number=ID_NUMBER, phone="13912345678", address="焦作市山阳区焦东街道1号"),
        defendant=Party(name="王五", address="焦作市山阳区新城街道"),
    )
    with runtime.sessions() as s:
        record_id = create_handoff(s, req, RecordingNotifier(), settings=runtime.settings).id
        s.commit()
    return int(record_id)


def _user_id(product: TestClient, username: str) -> int:
    with product.app.state.runtime.sessions() as s:  # type: ignore[attr-defined]
        return int(s.scalars(select(StaffUser.id).where(StaffUser.username == username)).one())


def _account(product: TestClient, role: str = "clerk") -> str:
    username = f"revoke-{role}-{next(_n)}"
    with product.app.state.runtime.sessions() as s:  # type: ignore[attr-defined]
        casework.staff.create_staff(s, username, username, role, PASSWORD)
        s.commit()
    return username


def _csrf_in(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").find("input", {"name": "csrf_token"})
    assert field is not None, html[:300]
    return str(field["value"])


def _csrf(client: TestClient, url: str = "/workbench/login") -> str:
    return _csrf_in(client.get(url).text)


class Browser:
    """One staff member's browser (its own cookie jar)."""

    def __init__(self, product: TestClient) -> None:
        self.product = product
        self.client = TestClient(product.app, follow_redirects=False)  # no "with": the lifespan runs once

    def sign_in(self, username: str, password: str = PASSWORD) -> Browser:
        csrf = _csrf(self.client)
        r = self.client.post("/workbench/login", data={"username": username, "password": password,
                                                       "csrf_token": csrf})
        assert r.status_code == 303 and "/login" not in r.headers["location"], r.text[:300]
        return self

    def copy(self) -> Copy:
        value = self.client.cookies.get(SESSION_COOKIE)
        assert value
        return Copy(self.product, value)

    def post(self, url: str, data: dict[str, Any]) -> Any:
        return self.client.post(url, data={"csrf_token": _csrf(self.client, "/workbench/notifications"), **data})

    def reveal(self, record_id: int) -> Any:
        page = self.client.get(f"/workbench/records/{record_id}")
        assert page.status_code == 200, (page.status_code, page.text[:300])
        return self.client.post(f"/workbench/records/{record_id}/reveal",
                                data={"csrf_token": _csrf_in(page.text), "party": "plaintiff", "field": "id_number"})


class Copy:
    """A session cookie copied from a browser, replayed exactly as copied on every request (whatever the server
    sets in reply), with the CSRF token its session carries."""

    def __init__(self, product: TestClient, cookie: str) -> None:
        self.product, self.cookie, self.csrf = product, cookie, ""

    def client(self) -> TestClient:
        client = TestClient(self.product.app, follow_redirects=False)
        client.cookies.set(SESSION_COOKIE, self.cookie)
        return client

    def get(self, url: str) -> Any:
        return self.client().get(url)

    def reveal(self, record_id: int) -> Any:
        if not self.csrf:
            page = self.get(f"/workbench/records/{record_id}")
            assert page.status_code == 200, (page.status_code, page.text[:300])
            self.csrf = _csrf_in(page.text)
        return self.client().post(f"/workbench/records/{record_id}/reveal",
                                  data={"csrf_token": self.csrf, "party": "plaintiff", "field": "id_number"})


def _sent_to_sign_in(resp: Any) -> bool:
    return resp.status_code == 401 or (resp.status_code == 303 and "/workbench/login" in resp.headers["location"])


def _refused(copy: Copy, record_id: int) -> None:
    for resp in (copy.get(f"/workbench/records/{record_id}"), copy.reveal(record_id), copy.get("/workbench/queue")):
        assert _sent_to_sign_in(resp) and ID_NUMBER not in resp.text, (resp.status_code, resp.text[:300])


def _works(browser: Browser | Copy, record_id: int) -> None:
    shown = browser.reveal(record_id)
    assert shown.status_code == 200 and ID_NUMBER in shown.text, (shown.status_code, shown.text[:300])


def test_a_cookie_copied_before_sign_out_is_refused_after_it(product: TestClient, filing: int) -> None:
    username = _account(product)
    clerk = Browser(product).sign_in(username)
    copy = clerk.copy()
    _works(copy, filing)  # the copy is as good as the original while the session lasts
    out = clerk.post("/workbench/logout", {})
    assert out.status_code == 303 and out.headers["location"] == "/workbench/login"
    _refused(copy, filing)
    # the bearer is sent, politely, to sign in again
    client = copy.client()
    page = client.get(f"/workbench/records/{filing}")
    login = client.get(page.headers["location"])
    assert login.status_code == 200 and "请重新登录" in login.text
    _works(Browser(product).sign_in(username), filing)  # a fresh sign-in works


def test_a_cookie_copied_before_a_password_change_is_refused_after_it(product: TestClient, filing: int) -> None:
    username = _account(product)
    clerk = Browser(product).sign_in(username)
    copy = clerk.copy()
    _works(copy, filing)
    r = clerk.post("/workbench/password", {"old": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert r.status_code == 303, r.text[:300]
    _refused(copy, filing)
    _works(clerk, filing)  # the session that changed the password goes on
    _works(Browser(product).sign_in(username, NEW_PASSWORD), filing)


def test_a_password_reset_by_an_admin_ends_the_sessions(product: TestClient, bx: SimpleNamespace, filing: int) -> None:
    username = _account(product)
    copy = Browser(product).sign_in(username).copy()
    _works(copy, filing)
    admin = bx.Staff(product, "admin1")
    assert admin.post(f"/workbench/staff/{_user_id(product, username)}/password",
                      {"password": NEW_PASSWORD}).status_code == 303
    _refused(copy, filing)
    _works(Browser(product).sign_in(username, NEW_PASSWORD), filing)


def test_deactivation_ends_the_sessions_for_good(product: TestClient, bx: SimpleNamespace, filing: int) -> None:
    username = _account(product)
    copy = Browser(product).sign_in(username).copy()
    _works(copy, filing)
    admin = bx.Staff(product, "admin1")
    user_id = _user_id(product, username)
    assert admin.post(f"/workbench/staff/{user_id}/active", {"active": "0"}).status_code == 303
    _refused(copy, filing)
    # activated again, the account signs in afresh; the cookies from before stay refused
    assert admin.post(f"/workbench/staff/{user_id}/active", {"active": "1"}).status_code == 303
    _refused(copy, filing)
    _works(Browser(product).sign_in(username), filing)


def test_sign_out_of_one_account_leaves_others_signed_in(product: TestClient, filing: int) -> None:
    first, second = Browser(product).sign_in(_account(product)), Browser(product).sign_in(_account(product))
    assert first.post("/workbench/logout", {}).status_code == 303
    _works(second, filing)


def test_a_stale_cookie_cannot_sign_the_account_out(product: TestClient, filing: int) -> None:
    """Logging out with a refused cookie changes nothing for the session signed in since."""
    username = _account(product)
    old = Browser(product).sign_in(username)
    stale = old.copy()
    assert old.post("/workbench/logout", {}).status_code == 303
    fresh = Browser(product).sign_in(username)
    client = stale.client()
    csrf = _csrf(client)  # the sign-in page (no staff needed) shows the stale session's CSRF token
    assert client.post("/workbench/logout", data={"csrf_token": csrf}).status_code == 303
    _works(fresh, filing)
