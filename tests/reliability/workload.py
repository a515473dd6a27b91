"""Running client threads against a server for a bounded time, and tallying what they were told.

Every thread stops by itself at the deadline; the main thread joins each with a timeout and the
test fails if one is still running. A thread never dies of an exception: it records it instead.
"""

import os
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

JOIN_GRACE = 120.0  # seconds past the deadline for the last requests to come back


def seconds_from(variable: str, default: float) -> float:
    """How long a check runs: the issue asks for a minute, local runs may set less."""
    raw = os.environ.get(variable, "")
    return float(raw) if raw.strip() else default


@dataclass
class Tally:
    """What the clients were told, added to from many threads."""

    statuses: Counter = field(default_factory=Counter)  # (action, HTTP status)
    outcomes: Counter = field(default_factory=Counter)  # (action, outcome word)
    effects: Counter = field(default_factory=Counter)  # (task id, event kind) acknowledged
    errors: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def status(self, action: str, code: int) -> None:
        with self._lock:
            self.statuses[(action, code)] += 1

    def outcome(self, action: str, word: str) -> None:
        with self._lock:
            self.outcomes[(action, word)] += 1

    def effect(self, task_id: int, kind: str) -> None:
        with self._lock:
            self.effects[(task_id, kind)] += 1

    def error(self, message: str) -> None:
        with self._lock:
            self.errors.append(message)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def server_errors(self) -> dict:
        return {key: n for key, n in self.statuses.items() if key[1] >= 500}


def run_clients(actors: list[Callable[[], None]], seconds: float, tally: Tally) -> None:
    """Call each actor's step over and over, one thread per actor, until ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_loop, args=(actor, deadline, tally), daemon=True)
        for actor in actors
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + JOIN_GRACE)
    stuck = sum(thread.is_alive() for thread in threads)
    assert stuck == 0, f"{stuck} client threads did not stop by themselves"


def _loop(step: Callable[[], None], deadline: float, tally: Tally) -> None:
    while time.monotonic() < deadline:
        try:
            step()
        except OSError as error:  # refused, reset or timed out: the server failed to answer
            tally.error(f"{type(error).__name__}: {error}")
            time.sleep(0.1)
        except Exception:
            tally.error(traceback.format_exc(limit=3))
            time.sleep(0.1)
