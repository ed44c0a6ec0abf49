"""Per-run budgets (tokens, estimated cost, wall time) and a shared requests-per-minute limiter.

Both are enforced before every LLM call of a run through crewAI's global ``before_llm_call`` hook (see
:mod:`.guards`). A budget that runs out stops the crew at once: the run is recorded as ``stopped`` and a
partial report (the tasks finished so far, and why it stopped) is written. Wall time is checked between
LLM calls; a tool call already running is not interrupted.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import RunFailed


class BudgetExceeded(RunFailed):
    """A run hit its token, cost or time budget and was stopped."""


@dataclass
class Budget:
    """Limits of one run (None: no limit)."""

    max_tokens: int | None = None
    max_cost_usd: float | None = None
    max_seconds: float | None = None
    started: float = field(default_factory=time.monotonic)

    def check(self, tokens: int, cost_usd: float, now: float | None = None) -> str | None:
        """The reason to stop, or None."""
        elapsed = (now if now is not None else time.monotonic()) - self.started
        if self.max_seconds is not None and elapsed > self.max_seconds:
            return f"time budget exceeded: {elapsed:.1f} s > {self.max_seconds:g} s"
        if self.max_tokens is not None and tokens > self.max_tokens:
            return f"token budget exceeded: {tokens} > {self.max_tokens} tokens"
        if self.max_cost_usd is not None and cost_usd > self.max_cost_usd:
            return f"cost budget exceeded: ${cost_usd:.4f} > ${self.max_cost_usd:g}"
        return None


class RateLimiter:
    """Sliding-window limit of ``rpm`` LLM requests per minute, shared by every agent and run in the process."""

    def __init__(self, rpm: int, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.rpm = rpm
        self.clock, self.sleep = clock, sleep
        self.calls: deque[float] = deque()
        self.lock = threading.Lock()

    def acquire(self) -> float:
        """Wait until a request may go; returns the seconds waited."""
        waited = 0.0
        with self.lock:
            while True:
                now = self.clock()
                while self.calls and now - self.calls[0] >= 60.0:
                    self.calls.popleft()
                if len(self.calls) < self.rpm:
                    self.calls.append(now)
                    return waited
                pause = 60.0 - (now - self.calls[0])
                self.sleep(pause)
                waited += pause


_limiters: dict[int, RateLimiter] = {}


def shared_limiter(rpm: int) -> RateLimiter:
    """The process-wide limiter for ``rpm`` (one per distinct limit)."""
    if rpm not in _limiters:
        _limiters[rpm] = RateLimiter(rpm)
    return _limiters[rpm]


def usage_of(agents: list[Any]) -> tuple[int, float]:
    """Tokens used so far and their estimated cost, summed over the agents' LLMs."""
    from ..runner import PRICES

    seen, tokens, cost = set(), 0, 0.0
    for agent in agents:
        llm = getattr(agent, "llm", None)
        if llm is None or id(llm) in seen or not hasattr(llm, "get_token_usage_summary"):
            continue
        seen.add(id(llm))
        s = llm.get_token_usage_summary()
        p, c = int(s.prompt_tokens or 0), int(s.completion_tokens or 0)
        tokens += p + c
        price = PRICES.get(str(getattr(llm, "model", "")).split("/")[-1], (0.0, 0.0))
        cost += (p * price[0] + c * price[1]) / 1e6
    return tokens, cost
