"""The load itself: many simulated litigants talking to ``POST /wechat`` at once, over real HTTP.

Each user is an asyncio task with one request in flight at most (``httpx.AsyncClient``, one connection per
user): it opens with the subscribe event, then answers whatever the bot asks (``bench.user.SimUser``) until the
hand-off gives a reference number, then starts over as a new person (a new openid). Half the users speak safe
mode (AES), half plaintext. A shared pacer spaces the sends as a Poisson stream at ``rate`` messages/s (0: as
fast as the users can go); when every user is waiting for the server, the stream slows down instead of
piling up, so a saturated server shows as a lower achieved rate and higher latencies, not as a burst.

Latency is measured at the client, from the send of the request to the last byte of the reply. The first
``warmup_s`` seconds are not counted. A message counts as an error when the HTTP status is not 200, the reply
does not decode (signature, XML), or the reply is the polite failure / a holding text instead of an answer; a
conversation longer than ``bench.user.MAX_TURNS`` messages counts as stuck.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np

from bench.user import MAX_TURNS, REFERENCE, STAGES, Persona, SimUser, Stage, classify_reply
from bench.wxclient import Mode, ReplyError, WeChatClient


@dataclass(frozen=True)
class LoadConfig:
    users: int = 50
    duration_s: float = 60.0
    warmup_s: float = 5.0
    rate: float = 120.0  # messages/s offered; 0 = closed loop, as fast as the users can go
    aes_share: float = 0.5
    timeout_s: float = 10.0
    seed: int = 20261124
    run_id: str = field(default_factory=lambda: f"{int(time.time()) % 10**6}")


@dataclass(frozen=True)
class Sample:
    stage: str
    mode: Mode
    ms: float
    error: str | None


@dataclass
class LoadResult:
    config: LoadConfig
    samples: list[Sample] = field(default_factory=list)
    conversations: Counter[str] = field(default_factory=Counter)  # completed, by route
    errors: Counter[str] = field(default_factory=Counter)
    sent_ids: set[str] = field(default_factory=set)  # the ID numbers users sent (for the log scan)
    sent_phones: set[str] = field(default_factory=set)
    peak_rss_mib: float = 0.0
    client_cpu_s: float = 0.0  # CPU the load generator itself used (it shares the cores with the server)

    @property
    def ok(self) -> list[Sample]:
        return [s for s in self.samples if s.error is None]

    @property
    def throughput(self) -> float:
        return len(self.ok) / self.config.duration_s

    def stats(self, stage: str | None = None) -> dict[str, float]:
        ms = [s.ms for s in self.samples if stage is None or s.stage == stage]
        if not ms:
            return {"n": 0, "p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": float("nan")}
        arr = np.asarray(ms)
        return {
            "n": len(ms),
            "p50": float(np.percentile(arr, 50)),
            "p95": float(np.percentile(arr, 95)),
            "p99": float(np.percentile(arr, 99)),
            "max": float(arr.max()),
        }

    def summary(self) -> dict[str, Any]:
        return {
            "messages": len(self.samples),
            "errors": sum(1 for s in self.samples if s.error) + self.errors["stuck"],
            "error_kinds": dict(self.errors),
            "throughput": self.throughput,
            "all": self.stats(),
            "stages": {st: self.stats(st) for st in STAGES},
            "modes": {m: self.stats_mode(m) for m in ("plain", "aes")},
            "conversations": dict(self.conversations),
            "peak_rss_mib": self.peak_rss_mib,
            "client_cpu_share": self.client_cpu_s / (self.config.duration_s + self.config.warmup_s),
        }

    def stats_mode(self, mode: str) -> dict[str, float]:
        ms = [s.ms for s in self.samples if s.mode == mode]
        return {"n": len(ms), "p50": float(np.percentile(ms, 50)) if ms else float("nan"),
                "p99": float(np.percentile(ms, 99)) if ms else float("nan")}


class Pacer:
    """Hands out send slots as a Poisson stream at ``rate`` per second; never schedules a slot in the past."""

    def __init__(self, rate: float, rng: random.Random) -> None:
        self.rate = rate
        self._rng = rng
        self._next = 0.0

    async def wait(self) -> None:
        if self.rate <= 0:
            return
        now = time.perf_counter()
        slot = max(self._next, now)
        self._next = slot + self._rng.expovariate(self.rate)
        if slot > now:
            await asyncio.sleep(slot - now)


def _relabel(stage: Stage, reply: str) -> str:
    """The stage a message turned out to be, from its reply (the assessment and the hand-off are visible)."""
    if "【您的纠纷】" in reply or "【类似案例】" in reply:
        return "assess"
    if REFERENCE.search(reply):
        return "handoff"
    return stage


@dataclass
class _Run:
    http: httpx.AsyncClient
    client: WeChatClient
    cfg: LoadConfig
    pacer: Pacer
    result: LoadResult
    t_count: float  # samples sent before this are warm-up
    t_end: float

    async def exchange(self, user: SimUser, text: str | None, mode: Mode) -> tuple[str, str | None, float, float]:
        """Send one message; (reply text, error kind or None, send time, milliseconds)."""
        client = self.client
        req = client.event(user.openid, "subscribe", mode) if text is None else client.text(user.openid, text, mode)
        sent = time.perf_counter()
        reply, error = "", None
        try:
            resp = await self.http.post("/wechat", params=req.params, content=req.body,
                                        headers={"Content-Type": "text/xml"})
            if resp.status_code != 200:
                error = f"http-{resp.status_code}"
            else:
                reply = client.read_reply(resp.text, mode, user.openid)
                error = classify_reply(reply) or (None if reply else "empty-reply")
        except httpx.HTTPError as exc:
            error = f"transport-{type(exc).__name__}"
        except ReplyError:
            error = "undecodable-reply"
        return reply, error, sent, (time.perf_counter() - sent) * 1000

    async def user(self, idx: int) -> None:
        rng = random.Random(self.cfg.seed * 1000 + idx)
        conv = 0
        while time.perf_counter() < self.t_end:
            conv += 1
            await self.conversation(SimUser(f"o-bench-{self.cfg.run_id}-{idx}-{conv}", Persona.random(rng)), rng)

    async def conversation(self, user: SimUser, rng: random.Random) -> None:
        result = self.result
        result.sent_ids.add(user.persona.id_number)
        result.sent_phones.add(user.persona.phone)
        mode: Mode = "aes" if rng.random() < self.cfg.aes_share else "plain"
        stage: Stage = "greet"
        text: str | None = None
        retries = 0
        while True:
            await self.pacer.wait()
            if time.perf_counter() >= self.t_end:
                return
            reply, error, sent, ms = await self.exchange(user, text, mode)
            counted = sent >= self.t_count
            if counted:
                result.samples.append(Sample(_relabel(stage, reply), mode, ms, error))
                if error:
                    result.errors[error] += 1
            if error:
                retries += 1
                if retries > 3:
                    return  # the person gives up; a new one starts
                continue  # the person sends the same thing again (WeChat gives it a new MsgId)
            retries = 0
            nxt = user.next_message(reply)
            if nxt is None:
                if counted:
                    result.conversations[user.persona.route] += 1
                return
            if user.turns > MAX_TURNS:
                if counted:
                    result.errors["stuck"] += 1
                return
            stage, text = nxt


async def _sample_rss(result: LoadResult, read_rss: Callable[[], float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        result.peak_rss_mib = max(result.peak_rss_mib, read_rss())
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except TimeoutError:
            continue


async def run_load(base_url: str, client: WeChatClient, cfg: LoadConfig,
                   read_rss: Callable[[], float] | None = None) -> LoadResult:
    result = LoadResult(cfg)
    limits = httpx.Limits(max_connections=cfg.users, max_keepalive_connections=cfg.users)
    pacer = Pacer(cfg.rate, random.Random(cfg.seed))
    stop = asyncio.Event()
    cpu_before = time.process_time()
    async with httpx.AsyncClient(base_url=base_url, timeout=cfg.timeout_s, limits=limits) as http:
        start = time.perf_counter()
        t_count = start + cfg.warmup_s
        t_end = t_count + cfg.duration_s
        sampler = asyncio.create_task(_sample_rss(result, read_rss, stop)) if read_rss else None
        run = _Run(http, client, cfg, pacer, result, t_count, t_end)
        await asyncio.gather(*(run.user(i) for i in range(cfg.users)))
        stop.set()
        if sampler:
            await sampler
    result.client_cpu_s = time.process_time() - cpu_before
    return result
