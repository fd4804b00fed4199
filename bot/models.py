"""Imports every module that declares tables, so ``Base.metadata`` is complete (Alembic, tests)."""

from __future__ import annotations

import bot.audit
import bot.store
import bot.wechat.outbox

__all__ = ["bot"]
