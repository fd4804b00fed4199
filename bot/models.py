"""Imports every module that declares tables, so ``Base.metadata`` is complete (Alembic, tests)."""

from __future__ import annotations

import bot.store
import bot.transcript
import bot.wechat.outbox
import casework.models
import core.audit

__all__ = ["bot", "casework", "core"]
