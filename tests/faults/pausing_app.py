"""The product's app with the hand-off paused in the middle, for ``test_crash.py`` only.

``uvicorn pausing_app:create_app --factory --app-dir tests/faults`` builds ``server.create_app()`` with one
change: the notifier that casework calls after it has inserted the new record (inside the dialog step's
transaction, before the commit) flushes the session, writes the file named by ``PAUSE_MARKER`` and then
blocks, so that the test can ``kill -9`` the process exactly there. Nothing in the product carries a hook for
this; the wrapping happens here, in the test's own app factory.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session

import app.runtime
import server
from core.settings import Settings


class PausingNotifier:
    def __init__(self, inner: Any, marker: Path) -> None:
        self._inner = inner
        self._marker = marker

    def notify_person(self, session: Session, user_id: str, text: str, key: str) -> None:
        self._inner.notify_person(session, user_id, text, key)

    def notify_staff(self, session: Session, role: str, group: str | None, text: str, key: str) -> None:
        self._inner.notify_staff(session, role, group, text, key)
        session.flush()  # the record, its parties and events are now written, not committed
        self._marker.write_text(key, encoding="utf-8")
        time.sleep(3600)  # the test kills the process here


def create_app() -> FastAPI:
    marker = Path(os.environ["PAUSE_MARKER"])
    original = app.runtime.make_notifier

    def make_notifier(settings: Settings) -> Any:
        return PausingNotifier(original(settings), marker)

    app.runtime.make_notifier = make_notifier  # type: ignore[assignment]
    return server.create_app()
