"""The access log keeps no query string and no capability (issue 14 §1 and §5).

uvicorn's access log wrote the whole request target: ``/wechat?signature=…&timestamp=…&nonce=…`` (the
parameters an attacker needs to replay a callback), ``/api/similar?q=…`` with ID and phone numbers
percent-encoded where the masking filter cannot see them (``%E8%AF%81410811…`` reads as one 19-digit run), and
``/workbench/c/<token>``, the complaint download link itself.

The redaction is a filter on the ``uvicorn.access`` logger that ``core.logsetup.configure`` installs (and
``server.create_app`` calls), so it holds however uvicorn is started: here uvicorn's own logging configuration
is applied first, exactly as ``uvicorn server:create_app --factory`` does before it calls the factory.
"""

from __future__ import annotations

import copy
import io
import logging
import logging.config
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from uvicorn.config import LOGGING_CONFIG

from core.settings import Settings

ID_NUMBER = "410811198503041230"
PHONE = "13912345678"


@pytest.fixture
def access_lines(tmp_path: Path) -> Iterator[io.StringIO]:
    """uvicorn's logging configured as its CLI does, then the app built; uvicorn's access handler into a buffer."""
    from server import create_app

    saved = {name: (lg.handlers[:], lg.filters[:], lg.level, lg.propagate)
             for name in ("uvicorn", "uvicorn.error", "uvicorn.access") for lg in [logging.getLogger(name)]}
    logging.config.dictConfig(copy.deepcopy(LOGGING_CONFIG))
    settings = Settings(app_env="test", database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}", embedding_model="fake",
                        chroma_path=tmp_path / "chroma", bm25_path=tmp_path / "bm25", auto_ingest=False)
    create_app(settings)
    access = logging.getLogger("uvicorn.access")
    (handler,) = access.handlers
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(old)
        for name, (handlers, filters, level, propagate) in saved.items():
            lg = logging.getLogger(name)
            lg.handlers, lg.filters, lg.propagate = handlers, filters, propagate
            lg.setLevel(level)


def _log_request(target: str) -> None:
    """The access record exactly as uvicorn's HTTP protocols write it."""
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "POST", target, "1.1", 200
    )


def test_wechat_callback_parameters_never_reach_the_access_log(access_lines: io.StringIO) -> None:
    params = {"signature": "5c80de89add857b6e97f971f6baf5d6c6e9fb8ba", "timestamp": "1796637690",
              "nonce": "705728643", "openid": "o-victim-0001", "encrypt_type": "aes",
              "msg_signature": "776c6c950caf4d370710d25a33099cb6018096a1"}
    _log_request("/wechat?" + urlencode(params))
    line = access_lines.getvalue()
    assert "POST /wechat" in line and "200" in line
    for value in params.values():
        assert value not in line, line


@pytest.mark.parametrize(
    "query",
    [
        {"q": f"借钱不还 身份证{ID_NUMBER} 电话{PHONE}"},
        {"q": f"电话 {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}"},
        {"q": "身份证４１０８１１１９８５０３０４１２３０"},
    ],
)
def test_query_strings_are_not_logged(access_lines: io.StringIO, query: dict[str, str]) -> None:
    _log_request("/api/similar?" + urlencode(query))
    line = access_lines.getvalue()
    assert "/api/similar" in line
    assert "q=" not in line and "%E8" not in line.upper(), line
    assert ID_NUMBER not in line and PHONE not in line


def test_download_tokens_and_numbers_in_paths_are_hidden(access_lines: io.StringIO) -> None:
    token = "eyJyIjoxLCJrIjoiYWJjIn0.Z3k1ZA.3v2nq8d9w7Yc0Xo"
    _log_request(f"/workbench/c/{token}")
    _log_request("/x/" + quote(f"身份证{ID_NUMBER}"))
    lines = access_lines.getvalue()
    assert "/workbench/c/" in lines and token not in lines and "3v2nq8d9w7Yc0Xo" not in lines
    assert ID_NUMBER not in lines and "/x/" in lines
