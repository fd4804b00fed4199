"""The replay cache: each signed (timestamp, nonce, signature) is bound to the one body it came with.

The plaintext ``signature`` covers only (token, timestamp, nonce). Whoever saw one callback URL (an access log,
a proxy's log, a browser history) could post any body under its parameters for as long as the timestamp is
inside the tolerance window. This cache remembers, for that window, the digest of the body each parameter set
was first accepted with: the same parameters with another body are refused (``ReplayError``); the very same
request again — WeChat's own retry — passes, and the dialog engine answers it from its dedupe store.

One cache per server process (the edge holds it). With several workers a replay that reaches another worker
is not seen here; safe mode (``WECHAT_MESSAGE_MODE=safe``, the default) does not depend on this cache, since
``msg_signature`` covers the body.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict

from bot.wechat.errors import ReplayError

log = logging.getLogger(__name__)

DEFAULT_MAX_ENTRIES = 200_000


def body_digest(body: bytes) -> bytes:
    return hashlib.sha256(body).digest()


class ReplayCache:
    """Thread-safe; entries expire ``window_s`` after their timestamp (a request that old is refused anyway)."""

    def __init__(self, window_s: float, *, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self._window_s = window_s
        self._max = max_entries
        self._seen: OrderedDict[tuple[str, str, str], tuple[bytes, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)

    def check(self, timestamp: str, nonce: str, signature: str, body: bytes, now: float) -> None:
        """Record the request, or raise ``ReplayError`` when these parameters came earlier with another body.

        Call it only after the signature and the timestamp were verified, so that forged requests never fill
        the cache."""
        key = (timestamp, nonce, signature.strip().lower())
        digest = body_digest(body)
        with self._lock:
            self._expire(now)
            seen = self._seen.get(key)
            if seen is not None:
                if seen[0] != digest:
                    raise ReplayError("signed parameters reused with another body")
                return
            if len(self._seen) >= self._max:
                self._seen.popitem(last=False)
                log.warning("WeChat replay cache full (%d entries): the oldest entry was dropped", self._max)
            self._seen[key] = (digest, int(timestamp) + self._window_s)

    def _expire(self, now: float) -> None:
        # Insertion order is nearly expiry order (timestamps are within the window of the clock); an entry
        # behind a later-expiring one lingers a little longer, which only makes the cache stricter.
        while self._seen:
            _, (_, expires) = next(iter(self._seen.items()))
            if expires >= now:
                break
            self._seen.popitem(last=False)
