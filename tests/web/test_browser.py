"""The workbench in a real headless Chromium, against the real server (``server:create_app``) under uvicorn.

The server runs in its own process on a free loopback port, with a temporary SQLite database (migrated with
the project's Alembic migrations), the fake embedder and no corpus ingest, so it starts in seconds. The referral and
the filing are handed off by real conversations with the dialog engine, then staff sign in and work them:
a referral to "agreement reached", a filing to a one-time correction notice, a ticket through
接听 → 交办 → 督办 → 反馈 → 回访 → 办结; the manager's dashboard must move accordingly.
Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PII_KEY = "x8bFqCmW0mC0sP5lqTzN2a3XW6yF4b2cRkL9dS1vE7g="
ID_A = "11010519491231002X"
PHONE_A = "13800138000"
USERS = {
    "med1": ("调解员甲", "mediator", "sy-jiaodong", "browser-mediator-1"),
    "clerk1": ("立案员乙", "clerk", None, "browser-clerk-001"),
    "op1": ("话务员丙", "operator", None, "browser-operator-1"),
    "mgr1": ("庭长丁", "manager", None, "browser-manager-1"),
}


@dataclass
class Server:
    url: str
    database_url: str
    records: dict[str, int]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(database_url: str, hand_off_by_chat) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Staff accounts; a referral and a filing handed off by real conversations (tests/web/conftest.py); and a
    petition ticket, which the hotline registers (the chat never files one)."""
    from casework.notify import RecordingNotifier
    from casework.service import HandoffRequest, create_handoff
    from casework.staff import create_staff
    from core.db import make_engine, make_sessionmaker
    from core.migrate import upgrade_to_head
    from core.settings import Settings

    engine = make_engine(database_url)
    upgrade_to_head(engine)  # the project's Alembic migrations, as a deployment would
    settings = Settings(app_env="test", database_url=database_url, pii_key=PII_KEY, session_secret="browser-secret")
    factory = make_sessionmaker(engine)
    with factory() as s:
        for username, (name, role, group, password) in USERS.items():
            create_staff(s, username, name, role, password, group=group)
        s.commit()
    records = hand_off_by_chat(factory, settings, RecordingNotifier(), ("referral", "filing"))
    petition = HandoffRequest(
        kind="ticket",
        user_id="openid-9",
        channel="wechat",
        dedupe_key="browser-ticket",
        cause="民间借贷纠纷",
        summary="反映某案件承办法官一直联系不上，请求督促。",
        consent=True,
        category="petition",
    )
    with factory() as s:
        records["ticket"] = create_handoff(s, petition, RecordingNotifier(), settings=settings).id
        s.commit()
    engine.dispose()
    return records


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, hand_off_by_chat) -> Iterator[Server]:  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but Debian's chromium is not installed (make chromium)")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    tmp = tmp_path_factory.mktemp("browser")
    database_url = f"sqlite:///{tmp / 'workbench.sqlite3'}"
    records = _seed(database_url, hand_off_by_chat)
    port = _free_port()
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "DB_AUTO_MIGRATE": "false",  # migrated above, before the seed
        "EMBEDDING_MODEL": "fake",
        "AUTO_INGEST": "false",
        "CHROMA_PATH": str(tmp / "chroma"),
        "BM25_PATH": str(tmp / "bm25"),
        "PII_KEY": PII_KEY,
        "SESSION_SECRET": "browser-secret",
        "LOG_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "server:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {(tmp / 'server.log').read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/workbench/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start within 120 s")
            time.sleep(0.5)
        yield Server(url, database_url, records)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_for(server: Server, chromium):  # type: ignore[no-untyped-def]
    contexts = []

    def _page(username: str):  # type: ignore[no-untyped-def]
        ctx = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{server.url}/workbench/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", USERS[username][3])
        page.click("button:has-text('登录')")
        page.wait_for_load_state("domcontentloaded")
        assert "/workbench/login" not in page.url, page.content()[:1000]
        return page

    yield _page
    for ctx in contexts:
        ctx.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def act(page, label: str) -> None:  # type: ignore[no-untyped-def]
    """Press the action button ``label`` (in its own form) and wait for the record page to come back."""
    page.locator("form.action", has=page.locator(f"button:text-is('{label}')")).locator("button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator(".flash").inner_text().endswith(f"已办理“{label}”。"), page.content()[:2000]


def state_of(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator(".badge.state").inner_text()


def figure(page, key: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    card = page.locator(f"section.figure[data-key={key}]")
    value = card.locator(".value").inner_text()
    den = card.locator(".den")
    ratio = (
        f"{card.locator('.num').inner_text()}/{den.inner_text()}" if den.count() else card.locator(".num").inner_text()
    )
    return value, ratio


def _make_overdue(database_url: str, record_id: int) -> None:
    """Let time pass for one record: its due time moves an hour into the past (the server reads it fresh)."""
    from casework.models import CaseRecord
    from core.db import make_engine, make_sessionmaker, utcnow

    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as s:
        record = s.get(CaseRecord, record_id)
        assert record is not None
        record.due_at = utcnow() - timedelta(hours=1)
        s.commit()
    engine.dispose()


def _outbox_texts(database_url: str) -> list[str]:
    """What the server queued for the person on WeChat (its notifier: the outbox + the recorder)."""
    from sqlalchemy import text

    from core.db import make_engine

    engine = make_engine(database_url)
    with engine.connect() as conn:
        rows = [str(r[0]) for r in conn.execute(text("SELECT content FROM wechat_outbox ORDER BY id"))]
    engine.dispose()
    return rows


def test_workbench_end_to_end(server: Server, page_for) -> None:  # type: ignore[no-untyped-def]
    manager = page_for("mgr1")
    manager.goto(f"{server.url}/workbench/dashboard")
    before = {
        k: figure(manager, k)
        for k in (
            "mediation_success",
            "review_on_time",
            "hotline_connection",
            "ticket_completion",
            "petition_assigned",
            "petition_answered",
            "referrals",
            "id_phone_entry",
        )
    }
    assert before["mediation_success"] == ("—", "0/0")
    assert before["review_on_time"] == ("—", "0/0")
    assert before["petition_assigned"] == ("0.0%", "0/1")
    assert before["referrals"] == ("1件", "1")
    assert before["id_phone_entry"] == ("100.0%", "1/1")
    shot(manager, "01-dashboard-before")

    # --- a mediator works the referral to "agreement reached" ----------------------------------------------
    mediator = page_for("med1")
    assert mediator.locator("table.queue tbody tr").count() == 1
    shot(mediator, "02-mediator-queue")
    mediator.locator("table.queue a").first.click()
    mediator.wait_for_load_state("domcontentloaded")
    assert state_of(mediator) == "待接收"
    assert "焦东街道人民调解委员会" in mediator.locator(".record-head").inner_text()
    assert "（2021）豫0811民初1号" in mediator.locator("ol.similar").inner_text()  # the case the person was shown
    act(mediator, "接收")
    act(mediator, "开始调解")
    mediator.fill("form.action:has(button:text-is('达成调解协议')) textarea[name=note]", "被告分两期归还50000元。")
    act(mediator, "达成调解协议")
    assert state_of(mediator) == "达成调解协议"
    history = mediator.locator("ol.history").inner_text()
    assert "接收" in history and "开始调解" in history and "被告分两期归还50000元" in history
    shot(mediator, "03-referral-agreed")
    pushed = _outbox_texts(server.database_url)
    assert any("司法确认" in t and "30日内" in t for t in pushed), pushed  # 人民调解法 art. 33 guidance sent

    # --- a clerk reviews the filing, looks at the clear ID, and sends the one-time correction notice ----------
    clerk = page_for("clerk1")
    clerk.locator("table.queue a").first.click()
    clerk.wait_for_load_state("domcontentloaded")
    assert "民事起诉状" in clerk.locator("div.doc").inner_text()
    assert ID_A not in clerk.content()
    clerk.locator("dd.pii form:has(input[value=id_number]) button").click()
    clerk.wait_for_load_state("domcontentloaded")
    assert ID_A in clerk.locator("div.parties").inner_text()
    act(clerk, "开始审查")
    form = clerk.locator("form.action:has(button:text-is('一次性告知补正'))")
    assert form.locator("input[type=checkbox][name=items]").count() >= 1
    form.locator("textarea[name=items]").fill("借条原件照片")
    act(clerk, "一次性告知补正")
    assert state_of(clerk) == "待补正"
    assert clerk.locator("button:text-is('一次性告知补正')").count() == 0  # once only
    assert "借条原件照片" in clerk.locator("ol.history").inner_text()
    shot(clerk, "04-filing-correction")

    # --- an operator moves the 信访 ticket through 交办 → 督办 → 反馈 → 回访 → 办结 ----------------------------------
    operator = page_for("op1")
    operator.locator("table.queue a").first.click()
    operator.wait_for_load_state("domcontentloaded")
    assert state_of(operator) == "接听"
    operator.fill("form.action:has(button:text-is('交办')) input[name=department]", "立案庭")
    operator.fill("form.action:has(button:text-is('交办')) input[name=assignee]", "张法官")
    act(operator, "交办")
    assert operator.locator("button:text-is('督办')").count() == 0  # not overdue yet: no supervision
    _make_overdue(server.database_url, server.records["ticket"])
    operator.reload()
    assert "已逾期" in operator.locator(".record-head").inner_text()
    operator.fill("form.action:has(button:text-is('督办')) textarea[name=note]", "已超期，请三日内答复。")
    act(operator, "督办")
    operator.fill("form.action:has(button:text-is('反馈')) textarea[name=answer]", "已联系承办法官，将于本周内回电。")
    act(operator, "反馈")
    operator.select_option("form.action:has(button:text-is('回访')) select[name=satisfied]", "yes")
    act(operator, "回访")
    act(operator, "办结")
    assert state_of(operator) == "已办结"
    steps = [s.inner_text() for s in operator.locator("ol.history li strong").all()]
    assert steps == ["创建", "交办", "督办", "反馈", "回访", "办结"]
    shot(operator, "05-ticket-closed")

    # --- the dashboard moved accordingly ---------------------------------------------------------------------------
    manager.goto(f"{server.url}/workbench/dashboard")
    after = {k: figure(manager, k) for k in before}
    assert after["mediation_success"] == ("100.0%", "1/1")
    assert after["review_on_time"] == ("100.0%", "1/1")
    assert after["hotline_connection"] == ("100.0%", "1/1")
    assert after["ticket_completion"] == ("100.0%", "1/1")
    assert after["petition_assigned"] == ("100.0%", "1/1")
    assert after["petition_answered"] == ("100.0%", "1/1")
    assert after["referrals"] == before["referrals"]
    assert manager.locator("section.figure svg").count() >= 10
    shot(manager, "06-dashboard-after")
    manager.goto(f"{server.url}/workbench/audit?action=pii")
    assert re.search(r"pii\.reveal", manager.locator("table.audit").inner_text())
    shot(manager, "07-audit")


# --- the litigant's side: the chat page on a phone-sized screen -----------------------------------------------
PHONE = {"width": 390, "height": 844}


def _bot_count(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator("#log .msg.bot").count())


def _send(page, text: str | None = None, quick: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Type ``text`` and press Enter, or tap the quick-reply button ``quick``; returns the bot's new bubbles."""
    before = _bot_count(page)
    if quick is not None:
        page.locator("#quick button", has_text=quick).first.click()
    else:
        page.fill("#t", str(text))
        page.press("#t", "Enter")
    page.wait_for_function(f"document.querySelectorAll('#log .msg.bot').length > {before}")
    page.wait_for_function("!document.getElementById('send').disabled")
    bubbles = page.locator("#log .msg.bot div").all_inner_texts()[before:]
    return "\n".join(bubbles)


def _quick(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.strip() for b in page.locator("#quick button").all_inner_texts()]


def test_chat_page_carries_a_litigant_from_story_to_a_mediation_referral(server: Server, chromium) -> None:  # type: ignore[no-untyped-def]
    """A held-out style story typed on a phone screen (no punctuation, colloquial): the cause is confirmed with a
    tap, the intake asks a few questions, the assessment arrives with the three routes, and a tap on 人民调解 plus
    consent creates a referral record the mediators' queue can see. No script error, nothing wider than the screen."""
    ctx = chromium.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto(f"{server.url}/chat")
        page.wait_for_function("document.querySelectorAll('#log .msg.bot').length > 0")
        assert "诉前辅导助手" in page.locator("#log").inner_text()

        reply = _send(page, "前年借给我表哥八万块钱他写了欠条说年底还现在电话都不接了")
        assert "【民间借贷纠纷】" in reply, reply
        assert "是" in _quick(page), _quick(page)
        reply = _send(page, quick="是")
        asked = 0
        while "请回复数字 1、2 或 3" not in reply:
            asked += 1
            assert asked <= 6, f"more than 6 questions; last reply {reply!r}"
            assert "Traceback" not in reply
            reply = _send(page, "不知道")
        assert "民间借贷纠纷" in reply
        assert "诉讼费" in reply and "时效" in reply, reply
        assert "不是起诉的前提条件" in reply or "不是立案的前置条件" in reply, reply
        assert _quick(page)[:3] == ["1", "2", "3"], _quick(page)
        shot(page, "20-chat-assessment-phone")

        reply = _send(page, quick="1")
        assert "同意" in _quick(page), (reply, _quick(page))
        reply = _send(page, quick="同意")
        assert "不留" in reply and "不留" in _quick(page), reply  # how to reach them, which they may decline
        reply = _send(page, "张三 13912345678")
        assert "139****5678" in reply and "确认" in _quick(page), reply
        reply = _send(page, quick="确认")
        assert "调解委员会" in reply and re.search(r"编号TJ-\d{4}-\d{4}", reply), reply
        assert "不影响您随时向法院起诉" in reply and "139****5678" in reply, reply
        shot(page, "21-chat-referral-phone")

        page.reload()  # the conversation comes back from the cookie, not a fresh welcome
        page.wait_for_function("document.querySelectorAll('#log .msg.bot').length > 3")
        resumed = page.locator("#log").inner_text()
        assert re.search(r"编号TJ-\d{4}-\d{4}", resumed) and "张三 139****5678" in resumed, resumed[-500:]
        assert "前年借给我表哥八万块钱" in resumed

        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page is {overflow}px wider than a {PHONE['width']}px phone screen"
        assert not errors, errors
    finally:
        ctx.close()

    from sqlalchemy import text

    from core.db import make_engine

    engine = make_engine(server.database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT kind, cause, channel FROM case_records WHERE user_id LIKE 'web-%'")  # the chat page's person
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("referral", "民间借贷纠纷", "web")], rows


# What the filing form asks (a piece of each question) → what the person types on the phone.
FILING_ANSWERS = {
    "起诉状中的原告": "李四",
    "身份证号码": ID_A,
    "您的手机号码": PHONE_A,
    "请输入您的住址": "焦作市山阳区焦东街道",
    "叫什么名字": "王五",
    "对方的住址": "焦作市山阳区新城街道1号",
    "要求对方做什么": "归还借款8万元及利息",
}


def _answer_for(question: str) -> str:
    return next(answer for cue, answer in FILING_ANSWERS.items() if cue in question)


def test_chat_page_carries_a_litigant_from_story_to_the_complaint_they_download(  # type: ignore[no-untyped-def]
    server: Server, chromium, tmp_path: Path
) -> None:
    """On a 390-px phone screen: the story, the cause confirmed, the intake, 网上立案, the filing form, one field
    changed with 修改, 确认 — then the person taps the complaint links in the chat; both files download, and both
    open: the PDF and the DOCX hold the complaint addressed to the court, with the claims composed from the facts."""
    import docx
    import pypdfium2 as pdfium

    ctx = chromium.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{server.url}/chat")
        page.wait_for_function("document.querySelectorAll('#log .msg.bot').length > 0")
        reply = _send(page, "2024年3月借给同事王五8万块钱他写了借条说好一年还转的账现在一直不还")
        assert "【民间借贷纠纷】" in reply, reply
        reply = _send(page, quick="是")
        asked = 0
        while "请回复数字 1、2 或 3" not in reply:
            asked += 1
            assert asked <= 6, reply
            reply = _send(page, "不知道")
        reply = _send(page, quick="2")  # 网上立案
        filled = 0
        while "请核对起诉状" not in reply:
            filled += 1
            assert filled <= 7, reply
            reply = _send(page, _answer_for(reply.splitlines()[-1]))
        assert "3. 原告手机号码：138****8000" in reply and "修改" in _quick(page), reply
        assert "人民币80,000元（大写：捌万元整）" in reply, reply
        reply = _send(page, quick="修改")
        assert "3. 原告手机号码" in reply and "3" in _quick(page)
        reply = _send(page, quick="3")
        reply = _send(page, "13912345678")
        assert "3. 原告手机号码：139****5678" in reply and "1. 原告姓名：李四" in reply, reply
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the read-back is {overflow}px wider than the phone screen"
        shot(page, "22-chat-filing-summary-phone")
        reply = _send(page, quick="确认")
        assert re.search(r"编号LA-\d{4}-\d{4}", reply) and "PDF" in reply, reply
        shot(page, "23-chat-complaint-links-phone")

        links = page.locator("#log .msg.bot a[href*='/workbench/c/']")
        assert links.count() == 2, page.locator("#log").inner_text()[-800:]
        opened = {}
        for i in range(2):
            with page.expect_download() as info:
                links.nth(i).click()
            download = info.value
            target = tmp_path / download.suggested_filename
            download.save_as(target)
            opened[target.suffix] = target
        assert set(opened) == {".docx", ".pdf"}, opened

        pdf = pdfium.PdfDocument(str(opened[".pdf"]))
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        pdf.close()
        flat = re.sub(r"\s", "", text)
        assert flat.startswith("民事起诉状") and "此致河南省焦作市山阳区人民法院" in flat, flat[:300]
        assert "判令被告王五归还原告借款本金人民币80,000元（大写：捌万元整）" in flat
        assert "13912345678" in flat  # the person's own copy: their clear number, as corrected
        paragraphs = [p.text for p in docx.Document(str(opened[".docx"])).paragraphs]
        assert paragraphs[0] == "民事起诉状" and "河南省焦作市山阳区人民法院" in paragraphs
        assert not errors, errors
    finally:
        ctx.close()
