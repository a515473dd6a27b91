"""Rendered HTML kept in memory, keyed by everything it was rendered from.

One cache per process (none is shared, so nothing needs invalidating across workers). A hire's
plan lists 60 to 150 items; rendering them costs several times the rest of the request, and a
hire comes back to the same page again and again between changes. The key holds the
onboarding's revision, which every change to its row, tasks, duties or events moves
(models/revisions.py). Bounded by ``PLAN_CACHE_BYTES``.

A key holds everything its entry shows, so an entry can never be served after a change: it
simply stops being asked for, and the least recently used entries leave once the cache is full.

Forms carry the session's CSRF token, which must not be cached: an entry is rendered with a
per-process placeholder in its place, swapped for the request's own token when served.

Entries are kept as UTF-8, cut where the token goes, and a page around a plan is joined to it as
bytes: a plan of 150 items is about 180 kB of text, and encoding it and replacing its tokens
again on every visit cost a seventh of a repeat visit (bench/README.md).
"""

import secrets
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, current_app
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

PLANS = "clinic_onboard.plan_cache"
# Rendered HTML in UTF-8, cut where the CSRF token goes.
Parts = tuple[bytes, ...]
# Where a page rendered around cached HTML takes it (see ``in_page``); unique to the process.
SLOT = f"slot-{secrets.token_hex(16)}"


class RenderCache:
    """A least-recently-used map from keys to rendered HTML, bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.token_placeholder = f"csrf-{secrets.token_hex(16)}"
        self._entries: OrderedDict[Hashable, Parts] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[str], str]) -> bytes:
        """The HTML for ``key`` as UTF-8, rendering it with ``render(token)`` when missing;
        the request's CSRF token is in it either way."""
        parts = self._get(key)
        if parts is None:
            parts = tuple(render(self.token_placeholder).encode().split(self._cut))
            self._put(key, parts)
        return generate_csrf().encode().join(parts)

    @property
    def _cut(self) -> bytes:
        return self.token_placeholder.encode()

    def _get(self, key: Hashable) -> Parts | None:
        with self._lock:
            parts = self._entries.get(key)
            if parts is not None:
                self._entries.move_to_end(key)
            return parts

    def _put(self, key: Hashable, parts: Parts) -> None:
        size = _size(parts)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = parts
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= _size(dropped)


def in_page(html: bytes, render_page: Callable[[Markup], str]) -> bytes:
    """The page ``render_page(slot)`` renders, as UTF-8, with ``html`` in the slot."""
    head, tail = render_page(Markup(SLOT)).encode().split(SLOT.encode())
    return b"".join((head, html, tail))


def _size(parts: Parts) -> int:
    return sum(sys.getsizeof(part) for part in parts)


def init_app(app: Flask) -> None:
    app.extensions[PLANS] = RenderCache(app.config["PLAN_CACHE_BYTES"])


def plan_cache() -> RenderCache:
    return current_app.extensions[PLANS]
