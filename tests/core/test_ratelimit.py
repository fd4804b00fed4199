"""The sliding-window rate limit: per key, a refused event is not counted, the window slides, keys are bounded."""

import pytest

from core.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_gets_its_limit_per_window_and_no_more() -> None:
    clock = Clock()
    limiter = RateLimiter(3, 60, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # another key has its own count
    clock.now += 30
    assert not limiter.allow("a")  # still inside the window (the refusal was not counted either)
    clock.now += 31
    assert limiter.allow("a")  # the first three have left the window


def test_blocked_looks_without_counting() -> None:
    clock = Clock()
    limiter = RateLimiter(2, 600, clock=clock)
    assert not limiter.blocked("u")
    limiter.allow("u")
    assert not limiter.blocked("u") and not limiter.blocked("u")  # looking twice counts nothing
    limiter.allow("u")
    assert limiter.blocked("u")
    clock.now += 601
    assert not limiter.blocked("u")


def test_the_number_of_keys_is_bounded() -> None:
    limiter = RateLimiter(1, 60, clock=Clock(), max_keys=2)
    for key in ("a", "b", "c"):
        assert limiter.allow(key)
    assert len(limiter._events) == 2
    assert limiter.allow("a")  # the oldest key was dropped: it starts again


def test_a_limit_must_make_sense() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0, 60)
    with pytest.raises(ValueError):
        RateLimiter(1, 0)
