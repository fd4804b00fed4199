"""Per-key rate limits: at most ``limit`` events per ``window_s`` seconds for each key (a sliding window).

Used by the chat (per chat session and per client address) and the workbench login (per user name and address,
and per address). In memory, per process: each worker counts on its own, so N workers allow up to N times the
limit — enough to stop a flood from one client, not a distributed one (that belongs in front of the app).
The number of keys held is bounded: the oldest key is dropped when a new one would pass ``max_keys``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self, limit: int, window_s: float, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a rate limit needs limit >= 1 and a positive window")
        self.limit, self.window_s, self.clock, self.max_keys = limit, window_s, clock, max_keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def blocked(self, key: str) -> bool:
        """Whether ``key`` is at its limit now (nothing counted): for counting failures only, as sign-in does."""
        now = self.clock()
        with self._lock:
            events = self._events.get(key)
            return events is not None and sum(1 for t in events if t > now - self.window_s) >= self.limit

    def allow(self, key: str) -> bool:
        """Count one event for ``key``; False (and not counted) when the key is already at its limit."""
        now = self.clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                events = self._events[key] = deque()
                while len(self._events) > self.max_keys:
                    self._events.popitem(last=False)
            else:
                self._events.move_to_end(key)
            while events and events[0] <= now - self.window_s:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True
