"""Where rendered plans are kept: in each process (the default, nothing to run beside the app),
or in Redis, shared by every worker and every instance (``PLAN_CACHE_URL``).

Per process, every worker of every instance renders and keeps each plan again, and a large
clinic whose hires visit in turn can outgrow each worker's share of memory; in Redis a plan
rendered by one worker is served by all of them. Both keep an entry the same way (``pack``):
the plan's UTF-8 cut where the CSRF token goes, compressed, and neither ever needs
invalidating: the key holds the onboarding's revision (``plan_cache.PlanKey``), so a changed
plan is simply asked for under a new key.

Forms carry the session's CSRF token, which must not be cached: an entry is rendered with a
per-process placeholder in its place and kept cut there, and the request's own token joins the
pieces when served.
"""

import hashlib
import secrets
import struct
import sys
import threading
import time
import zlib
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_wtf.csrf import generate_csrf

from clinic_onboard.paths import templates_dir

if TYPE_CHECKING:
    from clinic_onboard.web.plan_cache import PlanKey

_PACKAGE = Path(__file__).resolve().parent.parent
# Redis: how long to wait for an answer, and to leave it alone after it failed to give one.
REDIS_TIMEOUT = 0.25
REDIS_RETRY_AFTER = 10.0
# The shared cache counts lookups and misses per hour, kept this long.
STATS_KEPT = timedelta(days=2)


def pack(parts: list[bytes]) -> bytes:
    """The pieces as one value: their count and lengths, then all of them compressed together
    (zlib, fastest level). A plan's HTML is repetitive markup that shrinks about sixfold."""
    lengths = struct.pack(f"!I{len(parts)}I", len(parts), *map(len, parts))
    return lengths + zlib.compress(b"".join(parts), 1)


def unpack(packed: bytes) -> list[bytes]:
    (count,) = struct.unpack_from("!I", packed)
    lengths = struct.unpack_from(f"!{count}I", packed, 4)
    whole = zlib.decompress(memoryview(packed)[4 + 4 * count :])
    parts, start = [], 0
    for length in lengths:
        parts.append(whole[start : start + length])
        start += length
    return parts


class PlanStore(ABC):
    """Rendering on a miss and serving with the request's token, whatever keeps the entries."""

    def __init__(self) -> None:
        self.token_placeholder = f"csrf-{secrets.token_hex(16)}"

    def get_or_render(self, key: "PlanKey", render: Callable[[str], str]) -> bytes:
        """The HTML for ``key`` as UTF-8, rendering it with ``render(token)`` when missing;
        the request's CSRF token is in it either way."""
        packed = self.get(key)
        if packed is None:
            parts = render(self.token_placeholder).encode().split(self.token_placeholder.encode())
            self.put(key, pack(parts))
        else:
            parts = unpack(packed)
        return generate_csrf().encode().join(parts)

    @abstractmethod
    def get(self, key: "PlanKey") -> bytes | None:
        """The packed entry, or None (counted as a lookup either way)."""

    @abstractmethod
    def put(self, key: "PlanKey", packed: bytes) -> None:
        """Keep a plan just rendered (counted as a miss)."""


# In each process -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CacheStats:
    """How a cache has served so far: what the operator sizes it by."""

    hits: int
    misses: int
    entries: int | None = None  # in this process; None for counts read from Redis
    bytes: int | None = None

    @property
    def hit_rate(self) -> float:
        looked_up = self.hits + self.misses
        return self.hits / looked_up if looked_up else 0.0

    def __str__(self) -> str:
        text = f"plan cache: {self.hit_rate:.0%} hits ({self.hits} of {self.hits + self.misses})"
        if self.entries is None or self.bytes is None:
            return text
        return f"{text}, {self.entries} plans in {self.bytes / 1024 / 1024:.1f} MB"


class RenderCache(PlanStore):
    """A least-recently-used map from keys to packed plans in this process, bounded in bytes
    (``PLAN_CACHE_BYTES``; 0 keeps nothing). Compressed, the default 16 MB holds about 500 of
    the largest plans (a 155-item plan page: 195 kB, packed 32 kB). The hit rate is logged
    every ``REPORT_EVERY`` lookups."""

    REPORT_EVERY = 1000

    def __init__(self, max_bytes: int) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self._entries: OrderedDict[PlanKey, bytes] = OrderedDict()
        self._bytes = 0
        self._hits = self._misses = 0
        self._lock = threading.Lock()

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._entries), self._bytes)

    def get(self, key: "PlanKey") -> bytes | None:
        with self._lock:
            packed = self._entries.get(key)
            if packed is not None:
                self._entries.move_to_end(key)
                self._hits += 1
            else:
                self._misses += 1
            looked_up = self._hits + self._misses
        if looked_up % self.REPORT_EVERY == 0:
            current_app.logger.info("%s", self.stats())
        return packed

    def put(self, key: "PlanKey", packed: bytes) -> None:
        size = sys.getsizeof(packed)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = packed
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= sys.getsizeof(dropped)


# Shared in Redis -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedStats:
    """The shared cache's figures over every worker and instance, from Redis."""

    last_hour: CacheStats
    last_day: CacheStats
    entries: int
    used_memory: int
    max_memory: int
    policy: str


class SharedRenderCache(PlanStore):
    """Packed plans in Redis under ``<prefix>:plan:``, one key each, with each process's own
    copy of the plans it served lately in front (a ``RenderCache`` of ``local_bytes``).

    The copy in front saves a round trip to Redis on a repeat visit to the same worker, and
    serves on through a Redis outage; it is never stale either, since every request reads the
    revision from the database. A plan one worker rendered, the others fetch from Redis.

    Bounded in memory three ways: an entry leaves Redis after ``seconds`` without a fetch (each
    fetch sets the time again), the entry of the revision just before is deleted when the next
    is stored (a hire ticking items leaves one entry, not one per tick), and every key has a
    time to live, so a Redis with ``maxmemory`` and a ``volatile-*`` or ``allkeys-*`` policy may
    evict them first. Keys also hold a digest of the code and templates (``code_version``):
    after a deploy, plans are rendered by the new code, even while instances still on the old
    one serve theirs.

    Lookups and misses are counted per hour in Redis (``stats``, ``clinic-onboard
    plan-cache``): the hit rate over all workers. Lookups served in front are counted in the
    process and sent with its next trip to Redis, or after ``COUNT_EVERY`` seconds. If Redis
    fails to answer, it is left alone for ``REDIS_RETRY_AFTER`` seconds: a cache outage never
    fails the page.
    """

    COUNT_EVERY = 10.0

    def __init__(self, url: str, prefix: str, seconds: int, local_bytes: int) -> None:
        import redis  # the prod extra; config.py refuses PLAN_CACHE_URL without it

        super().__init__()
        self.redis = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
        self.prefix = f"{prefix}:plan"
        self.seconds = seconds
        self._local = RenderCache(local_bytes)
        self.errors = (redis.RedisError, OSError)  # what a Redis that fails to answer raises
        self._resume_at = self._counted_at = 0.0
        self._uncounted = 0  # lookups served in front since the last count sent
        self._lock = threading.Lock()
        self._version = code_version()

    def stats(self) -> SharedStats:
        """The last hour's and day's hit rate over every worker, entries and Redis's memory."""
        self.send_counts()
        hours = list(_hours(datetime.now(UTC), 24))
        with self.redis.pipeline(transaction=False) as pipe:
            for hour in hours:
                pipe.hmget(self._stats_key(hour), "lookups", "misses")
            counts = [tuple(int(n or 0) for n in pair) for pair in pipe.execute()]
        memory = self.redis.info("memory")
        return SharedStats(
            _rate(counts[:1]),
            _rate(counts),
            sum(1 for _ in self.redis.scan_iter(f"{self.prefix}:v*", count=1000)),
            memory["used_memory"],
            memory.get("maxmemory", 0),
            memory.get("maxmemory_policy", ""),
        )

    def get(self, key: "PlanKey") -> bytes | None:
        with self._lock:
            self._uncounted += 1
        packed = self._local.get(key)
        if packed is not None:
            if time.monotonic() >= self._counted_at + self.COUNT_EVERY:
                self.send_counts()
            return packed
        packed = self._fetch(key)
        if packed is not None:
            self._local.put(key, packed)
        return packed

    def put(self, key: "PlanKey", packed: bytes) -> None:
        self._local.put(key, packed)
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self._key(key), packed, ex=self.seconds)
        pipe.delete(self._key(key._replace(revision=key.revision - 1)))
        pipe.hincrby(self._stats_key(datetime.now(UTC)), "misses", 1)
        self._send(pipe)

    def send_counts(self) -> None:
        """Send the lookups counted in this process to Redis now."""
        self._send(self.redis.pipeline(transaction=False))

    def _fetch(self, key: "PlanKey") -> bytes | None:
        pipe = self.redis.pipeline(transaction=False)
        pipe.getex(self._key(key), ex=self.seconds)
        replies = self._send(pipe)
        return replies[0] if replies else None

    def _send(self, pipe: Any) -> list[Any] | None:
        """One round trip: the commands queued on ``pipe``, then this process's lookups not
        yet counted. None while Redis rests after a failure, or if it fails now (logged)."""
        if time.monotonic() < self._resume_at:
            return None
        with self._lock:
            lookups, self._uncounted = self._uncounted, 0
            self._counted_at = time.monotonic()
        stats_key = self._stats_key(datetime.now(UTC))
        pipe.hincrby(stats_key, "lookups", lookups)
        pipe.expire(stats_key, STATS_KEPT)
        try:
            return pipe.execute()
        except self.errors as error:
            self._failed(error)
            return None
        finally:
            pipe.reset()

    def _failed(self, error: Exception) -> None:
        self._resume_at = time.monotonic() + REDIS_RETRY_AFTER
        current_app.logger.warning(
            "plan cache: Redis did not answer (%s); rendering without it for %g s",
            error,
            REDIS_RETRY_AFTER,
        )

    def _key(self, key: "PlanKey") -> str:
        fields = (key.onboarding_id, key.created_at.isoformat(), key.revision, key.today)
        return ":".join(map(str, (self.prefix, self._version, *fields, key.language, key.viewer)))

    def _stats_key(self, hour: datetime) -> str:
        return f"{self.prefix}-stats:{hour:%Y%m%d%H}"


def _hours(now: datetime, count: int) -> Iterator[datetime]:
    """This hour and the ``count - 1`` before it, newest first."""
    return (now - timedelta(hours=n) for n in range(count))


def _rate(counts: list[tuple[int, ...]]) -> CacheStats:
    lookups = sum(c[0] for c in counts)
    misses = min(sum(c[1] for c in counts), lookups)
    return CacheStats(lookups - misses, misses)


@cache
def code_version() -> str:
    """A digest of what renders a plan: the package's code, templates and translations. Read
    once per process."""
    digest = hashlib.sha256()
    for path in sorted(_rendering_files()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return "v" + digest.hexdigest()[:12]


def _rendering_files() -> Iterator[Path]:
    for folder, pattern in ((_PACKAGE, "*.py"), (_PACKAGE, "*.mo"), (templates_dir(), "*.html")):
        yield from folder.rglob(pattern)
