"""Links in chat replies point where the person reached us (issue 13, "Hand-offs that reach the person", 4): with
PUBLIC_BASE_URL unset the complaint link is made from the request's own scheme and Host (any port, any host), the
proxy's X-Forwarded-Proto / X-Forwarded-Host only when TRUST_PROXY_HEADERS says so; and the chat page makes only our
own http(s) links clickable, every other character staying text (its ``pieces`` function run under node).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from app.routes.chat import public_base
from core.settings import Settings

PAGE = Path(__file__).resolve().parents[2] / "app" / "static" / "chat.html"


def _link(text: str) -> str:
    found = re.search(r"https?://\S+?/workbench/c/[A-Za-z0-9_.~-]+", text)
    assert found, text
    return found.group(0)


def test_the_complaint_link_follows_the_host_and_port_the_person_used(
    product: TestClient, reach: SimpleNamespace
) -> None:
    p = reach.ChatPerson(product, base_url="http://court.example:9000",
                         headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    reach.file_by_chat(p)
    link = _link("\n".join(p.last["parts"]))
    assert link.startswith("http://court.example:9000/workbench/c/")  # not :8000, not the untrusted header
    got = p.client.get(link.removeprefix("http://court.example:9000"))
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/vnd.openxml")
    again = _link(p.say("查询进度"))
    assert again.startswith("http://court.example:9000/workbench/c/")
    history = p.client.get("/api/chat/history").json()  # a reload shows the link with the address too
    assert any("http://court.example:9000/workbench/c/" in m["text"] for m in history["messages"])


def _request(host: str, scheme: str = "http", **headers: str) -> Request:
    raw = [(b"host", host.encode())] + [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "scheme": scheme, "server": ("10.0.0.5", 8080), "path": "/api/chat",
                    "headers": raw, "query_string": b""})


@pytest.mark.parametrize(
    ("settings", "request_", "base"),
    [
        (Settings(app_env="test"), _request("10.0.0.5:8080"), "http://10.0.0.5:8080"),
        (Settings(app_env="test"), _request("court.example", x_forwarded_proto="https", x_forwarded_host="x.example"),
         "http://court.example"),
        (Settings(app_env="test", trust_proxy_headers=True),
         _request("127.0.0.1:8000", x_forwarded_proto="https", x_forwarded_host="court.gov.cn"), "https://court.gov.cn"),
        (Settings(app_env="test", trust_proxy_headers=True),
         _request("127.0.0.1:8000", x_forwarded_proto="javascript", x_forwarded_host="a.example/<x>"),
         "http://127.0.0.1:8000"),
        (Settings(app_env="test", public_base_url="https://fy.example/"), _request("127.0.0.1:8000"),
         "https://fy.example"),
    ],
)
def test_public_base(settings: Settings, request_: Request, base: str) -> None:
    assert public_base(request_, settings) == base


def _pieces(text: str, origin: str) -> list[dict[str, str]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    page = PAGE.read_text(encoding="utf-8")
    source = page[page.index("// pieces:begin") : page.index("// pieces:end")]
    script = f"{source}\nprocess.stdout.write(JSON.stringify(pieces({json.dumps(text)}, {json.dumps(origin)})));"
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True, timeout=30)
    return list(json.loads(out.stdout))


def test_only_our_own_links_become_links() -> None:
    own = "http://court.example:9000/workbench/c/abc.DEF-1_2"
    text = f"起诉状草稿：{own}。另见 https://evil.example/x 和 javascript:alert(1) <img src=x onerror=alert(1)>"
    got = _pieces(text, "http://court.example:9000")
    links = [p for p in got if "href" in p]
    assert links == [{"text": own, "href": own}]
    assert "".join(p["text"] for p in got) == text  # nothing lost or added: the rest is text, shown as text


def test_the_page_never_parses_a_message_as_html() -> None:
    script = PAGE.read_text(encoding="utf-8").split("<script>")[1]
    add = script[script.index("function add(") : script.index("function setQuick")]
    assert "innerHTML" not in add and "createTextNode" in add
