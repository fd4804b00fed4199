"""Talk to the bot in a terminal: ``python -m app.cli`` (the same engine, database and knowledge as the
server; similar cases appear once the judgment index exists — ``make run`` or ``make ingest`` builds it).

Options: ``--user NAME`` keeps a separate conversation per name; ``--no-retrieval`` skips loading the index.
Type ``退出`` or press Ctrl-D to leave.
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid

from app.runtime import build_runtime
from bot.messages import Channel, EventKind, IncomingEvent, IncomingText, Outgoing
from core.logsetup import configure
from core.settings import get_settings


def _show(out: Outgoing) -> None:
    for part in out.parts:
        sys.stdout.write(f"\n助手：{part}\n")
    if out.quick_replies:
        sys.stdout.write(f"（可回复：{' / '.join(out.quick_replies)}）\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.cli", description="诉前辅导助手 — terminal chat")
    parser.add_argument("--user", default="cli-user", help="conversation id (default: cli-user)")
    parser.add_argument("--no-retrieval", action="store_true", help="do not load the similar-judgment index")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = get_settings()
    configure("WARNING")
    rt = build_runtime(settings)
    engine = rt.engine
    assert engine is not None  # build_runtime always builds the dialog engine
    if not args.no_retrieval:
        rt.load_retrieval()
    try:
        _show(engine.handle(IncomingEvent(user_id=args.user, channel=Channel.CLI, event=EventKind.SUBSCRIBE)))
        while True:
            try:
                line = input("\n您：")
            except EOFError:
                break
            if line.strip() in {"退出", "exit", "quit"}:
                break
            msg = IncomingText(user_id=args.user, channel=Channel.CLI, dedupe_key=uuid.uuid4().hex, text=line)
            _show(engine.handle(msg))
    finally:
        rt.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
