"""End to end over a real socket: uvicorn in a subprocess, spoken to with the WeChat protocol.

Two servers: ``e2e_app`` (the router with a stand-in engine and a fake WeChat API, so the late-push path
is visible) and, once it imports, the project's own ``server:create_app``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.wechat.edge import HOLDING_WITH_PUSH
from bot.wechat.inbound import parse_fields

REPO = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tmp_path: Path, wx: Any, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WECHAT_")}
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "APP_ENV": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.sqlite3'}",
            "AUTO_INGEST": "false",
            "EMBEDDING_MODEL": "fake",
            "WECHAT_TOKEN": wx.TOKEN,
            "WECHAT_ENCODING_AES_KEY": wx.AES_KEY,
            "WECHAT_APPID": wx.APPID,
            "WECHAT_MESSAGE_MODE": "plain",  # the test posts plaintext and encrypted callbacks
            "WECHAT_APPSECRET": "e2e-secret",
            "WECHAT_API_BASE_URL": "https://api.weixin.test",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
    )
    env.update(extra)
    return env


class Server:
    def __init__(self, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = log_path.open("wb")
        cmd = [sys.executable, "-m", "uvicorn", *args, "--host", "127.0.0.1", "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"server exited early:\n{self.output()[-3000:]}")
            try:
                httpx.get(self.base + path, timeout=1.0)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        pytest.fail(f"server not ready after {timeout}s:\n{self.output()[-3000:]}")

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> str:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self._log.close()
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def e2e_server(tmp_path: Path, wx: Any) -> Iterator[Server]:
    env = _env(tmp_path, wx, WECHAT_REPLY_BUDGET_S="0.4")
    server = Server(["e2e_app:create_app", "--factory", "--app-dir", str(HERE)], env, tmp_path / "server.log")
    try:
        server.wait_ready("/_fake/sent")
        yield server
    finally:
        output = server.stop()
    assert "Traceback" not in output, output[-3000:]


def _params(helpers: Any) -> dict[str, str]:
    return dict(helpers.signed_params(nonce=str(time.monotonic_ns() % 10**9)))


def test_wechat_protocol_over_a_real_socket(e2e_server: Server, helpers: Any, ref: Any, wx: Any) -> None:
    base = e2e_server.base + "/wechat"
    with httpx.Client(timeout=10) as http:
        # URL verification
        resp = http.get(base, params={**_params(helpers), "echostr": "e2e-echo"})
        assert (resp.status_code, resp.text) == (200, "e2e-echo")

        # plaintext mode
        resp = http.post(base, params=_params(helpers), content=wx.text_xml("你好", msg_id="1001").encode())
        assert resp.status_code == 200
        assert parse_fields(resp.text)["Content"] == "回声：你好"

        # safe mode
        p = _params(helpers)
        body, sig = ref.envelope(wx.text_xml("加密的消息", msg_id="1002"), p["timestamp"], p["nonce"])
        resp = http.post(
            base,
            params={"timestamp": p["timestamp"], "nonce": p["nonce"], "encrypt_type": "aes", "msg_signature": sig},
            content=body.encode(),
        )
        env = parse_fields(resp.text)
        assert ref.signature(env["TimeStamp"], env["Nonce"], env["Encrypt"]) == env["MsgSignature"]
        assert parse_fields(ref.decrypt(env["Encrypt"])[0])["Content"] == "回声：加密的消息"

        # an event the engine does not answer
        resp = http.post(base, params=_params(helpers), content=wx.event_xml("VIEW", key="https://x").encode())
        assert resp.text == "success"

        # past the budget: holding reply now, the answer pushed through the (fake) customer-service API
        started = time.monotonic()
        resp = http.post(base, params=_params(helpers), content=wx.text_xml("慢一点的问题", msg_id="1003").encode())
        assert time.monotonic() - started < 1.4
        assert parse_fields(resp.text)["Content"] == HOLDING_WITH_PUSH
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and http.get(e2e_server.base + "/_fake/sent").json() == []:
            time.sleep(0.1)
        assert http.get(e2e_server.base + "/_fake/sent").json() == ["回声：慢一点的问题"]

        # refusals
        forged = {**_params(helpers), "signature": "0" * 40}
        assert http.post(base, params=forged, content=wx.text_xml("x").encode()).status_code == 403
        assert http.post(base, params=_params(helpers), content=b"<xml><oops").status_code == 400
        big = wx.text_xml("字" * 30000).encode()
        assert http.post(base, params=_params(helpers), content=big).status_code == 413
        bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><xml>&a;</xml>'
        assert http.post(base, params=_params(helpers), content=bomb).status_code == 400


def _server_importable() -> tuple[bool, str]:
    proc = subprocess.run(
        [sys.executable, "-c", "import server"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    last_line = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
    return proc.returncode == 0, last_line


def test_project_server_speaks_wechat(tmp_path: Path, helpers: Any, ref: Any, wx: Any) -> None:
    ok, why = _server_importable()
    assert ok, f"server.py does not import: {why}"
    server = Server(["server:create_app", "--factory"], _env(tmp_path, wx), tmp_path / "server.log")
    try:
        server.wait_ready("/healthz", timeout=120)
        base = server.base + "/wechat"
        with httpx.Client(timeout=15) as http:
            resp = http.get(base, params={**_params(helpers), "echostr": "real-echo"})
            assert (resp.status_code, resp.text) == (200, "real-echo")
            resp = http.post(base, params=_params(helpers), content=wx.event_xml("subscribe").encode())
            assert resp.status_code == 200
            assert parse_fields(resp.text)["Content"]  # the engine's welcome
            p = _params(helpers)
            body, sig = ref.envelope(wx.text_xml("朋友借了我两万块钱不还", msg_id="2001"), p["timestamp"], p["nonce"])
            resp = http.post(
                base,
                params={"timestamp": p["timestamp"], "nonce": p["nonce"], "encrypt_type": "aes", "msg_signature": sig},
                content=body.encode(),
            )
            assert resp.status_code == 200
            env = parse_fields(resp.text)
            assert parse_fields(ref.decrypt(env["Encrypt"])[0])["Content"]
            forged = {**_params(helpers), "signature": "0" * 40}
            assert http.post(base, params=forged, content=wx.text_xml("x").encode()).status_code == 403
    finally:
        output = server.stop()
    assert "Traceback" not in output, output[-3000:]
