"""Rendered plans kept in memory, keyed by everything they were rendered from.

A hire's plan lists 60 to 150 items; rendering them costs several times the rest of the
request, and a hire comes back to the same page again and again between changes. The key holds
the onboarding's revision, which every change to its row, tasks, duties or events moves
(models/revisions.py), so an entry can never be served after a change: it simply stops being
asked for, and the least recently used entries leave once the process holds ``PLAN_CACHE_BYTES``.
Each process has its own cache; none is shared, so nothing needs invalidating across workers.

Forms in the plan carry the session's CSRF token, which must not be cached: the plan is rendered
with a per-process placeholder in its place, swapped for the request's own token when served.
"""

import secrets
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, current_app
from flask_wtf.csrf import generate_csrf

EXTENSION = "clinic_onboard.plan_cache"


class PlanCache:
    """A least-recently-used map from keys to rendered HTML, bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.token_placeholder = f"csrf-{secrets.token_hex(16)}"
        self._entries: OrderedDict[Hashable, str] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[str], str]) -> str:
        """The HTML for ``key``, rendering it with ``render(token)`` when missing; the
        request's CSRF token is in it either way."""
        html = self._get(key)
        if html is None:
            html = render(self.token_placeholder)
            self._put(key, html)
        return html.replace(self.token_placeholder, generate_csrf())

    def _get(self, key: Hashable) -> str | None:
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def _put(self, key: Hashable, html: str) -> None:
        size = sys.getsizeof(html)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = html
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= sys.getsizeof(dropped)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = PlanCache(app.config["PLAN_CACHE_BYTES"])


def plan_cache() -> PlanCache:
    return current_app.extensions[EXTENSION]
