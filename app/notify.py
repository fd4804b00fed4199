"""How the person hears about their records: status notices go into the WeChat outbox (durable, retried,
never sent twice) in the same transaction as the change they announce, and every notice is also recorded
(``casework.notify.RecordingNotifier``), which the workbench and the chat's 查询进度 read.

People on the chat page or the CLI (``web-…``/``cli-…`` ids) have no WeChat openid: they see their notices
when they ask for progress.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.wechat.outbox import enqueue
from casework.notify import FanoutNotifier, Notifier, RecordingNotifier
from core.settings import Settings

LOCAL_PREFIXES = ("web-", "cli-")


class WeChatOutboxNotifier:
    def __init__(self, settings: Settings) -> None:
        self._limit = settings.wechat_text_limit_bytes

    def notify_person(self, session: Session, user_id: str, text: str, key: str) -> None:
        if user_id.startswith(LOCAL_PREFIXES):
            return
        enqueue(session, user_id, (text,), dedupe_prefix=f"notice:{key}", limit_bytes=self._limit)

    def notify_staff(self, session: Session, role: str, group: str | None, text: str, key: str) -> None:
        return None  # staff read their notices on the workbench (recorded below)


def make_notifier(settings: Settings) -> Notifier:
    return FanoutNotifier(WeChatOutboxNotifier(settings), RecordingNotifier())
