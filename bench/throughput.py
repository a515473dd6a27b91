"""Requests per second under gunicorn (2 workers), a hire's plan page against a trivial route.

gunicorn serves the seeded database in production mode on 127.0.0.1 and a free port. The load
comes from Debian's ``wrk`` when it is installed (a C client that leaves the two cores to the
server), else from Python threads; either way it is bounded in connections and seconds. The
routes take turns of a few seconds each, so the ratio compares them under the same conditions,
and each round gives a ratio of its own: the minimum and the median of those say how steady it
was on a shared machine.
"""

import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

import redis

from bench.common import PASSWORD, SECRET_KEY
from clinic_onboard.record.keys import new_key_entry

HOST = "127.0.0.1"
CONNECTIONS = 4
ROUND = 2  # seconds per turn of one route
RATIO_GOAL = 0.25
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Rate:
    route: str
    requests: int  # answered 200 (wrk: 2xx; a redirect is checked for before loading)
    errors: int
    seconds: float
    cpu: float = 0.0  # CPU seconds the workers spent meanwhile (not the database's)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def per_cpu_second(self) -> float:
        """Requests per second of the workers' own CPU: what a busy machine moves least, since
        time spent waiting for a core is not counted."""
        return self.requests / self.cpu if self.cpu else 0.0


@dataclass(frozen=True)
class Throughput:
    client: str
    plan: Rate
    trivial: Rate  # /healthz: no session, no database, a few bytes of JSON
    sign_in: Rate  # the sign-in page: a template and a CSRF token, still no database
    ratios: list[float]  # /my/ : /healthz in each round, measured one after the other
    load: tuple[str, str]  # the load average (one minute) before and after

    @property
    def cpu_ratio(self) -> float:
        """/my/ : /healthz in requests per CPU second of the workers, over every round."""
        return self.plan.per_cpu_second / self.trivial.per_cpu_second

    @property
    def ratio(self) -> float:
        """The median round's: a busy moment on a shared machine moves one round, not it."""
        return statistics.median(self.ratios)

    @property
    def min_ratio(self) -> float:
        return min(self.ratios)


# Where the plan page's cache is kept in each configuration measured.
PLAN_CACHES = {
    "process": {},
    "shared": {"PLAN_CACHE_URL": REDIS_URL},
    "off": {"PLAN_CACHE_BYTES": "0"},
}


def measure_throughput(
    database_url: str, hire_email: str, seconds: float, plan_cache: str = "process"
) -> Throughput:
    """Start gunicorn on the database, sign the hire in, and load each route for ``seconds``
    in all, in turns of ROUND seconds so a busy moment on the machine lands on every route.
    ``plan_cache`` names where the rendered plan is kept (``PLAN_CACHES``); with ``off`` every
    request renders the plan afresh, as the first visit after a change does."""
    before, prefix = _load(), f"clinic-onboard-bench-{secrets.token_hex(4)}"
    settings = {**PLAN_CACHES[plan_cache], "RATELIMIT_KEY_PREFIX": prefix}
    with gunicorn(database_url, settings) as (port, pid), _removed_afterwards(prefix):
        cookie = sign_in(port, hire_email)
        _check_once(port, "/my/", cookie)
        load = _wrk if shutil.which("wrk") else _threads
        routes = [("/my/", cookie), ("/healthz", ""), ("/auth/login", "")]
        for path, sent in routes:
            load(port, path, sent, 1)  # warm-up
        rounds = max(1, round(seconds / ROUND))
        measured = [
            [_with_cpu(pid, partial(load, port, path, sent, ROUND)) for path, sent in routes]
            for _ in range(rounds)
        ]
    plan, trivial, sign_in_page = (_total([r[n] for r in measured]) for n in range(len(routes)))
    ratios = [r[0].per_second / r[1].per_second for r in measured]
    client = "wrk" if load is _wrk else "Python threads"
    return Throughput(client, plan, trivial, sign_in_page, ratios, (before, _load()))


@contextmanager
def _removed_afterwards(prefix: str) -> Iterator[None]:
    """The run's keys in Redis (sign-in counts, cached plans) go when it ends."""
    try:
        yield
    finally:
        connection = redis.Redis.from_url(REDIS_URL)
        for key in connection.scan_iter(f"{prefix}:*"):
            connection.delete(key)


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def _total(rates: list[Rate]) -> Rate:
    return Rate(
        rates[0].route,
        sum(r.requests for r in rates),
        sum(r.errors for r in rates),
        sum(r.seconds for r in rates),
        sum(r.cpu for r in rates),
    )


def _with_cpu(master: int, measure: Callable[[], Rate]) -> Rate:
    """The rate ``measure`` gives, with the CPU time gunicorn's workers spent meanwhile."""
    before = _workers_cpu(master)
    rate = measure()
    return replace(rate, cpu=_workers_cpu(master) - before)


def _workers_cpu(master: int) -> float:
    """User and system CPU seconds of the master's children so far (Linux /proc)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ticks = 0
    for child in children:
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15
    return ticks / os.sysconf("SC_CLK_TCK")


def _check_once(port: int, path: str, cookie: str) -> None:
    """wrk counts a redirect to the sign-in page as an answer: make sure the page is served."""
    status, _, page = request(port, "GET", path, cookie=cookie)
    if status != 200 or "My onboarding" not in page:
        raise RuntimeError(f"GET {path} as the hire answered {status}, not their plan")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, settings: dict[str, str]) -> Iterator[tuple[int, int]]:
    """gunicorn with 2 sync workers, as the README's production section runs it: its port
    and the master's process id."""
    port, anchors = free_port(), tempfile.TemporaryDirectory(prefix="bench-anchors-")
    environment = {
        **os.environ,
        "CLINIC_ONBOARD_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "RECORD_KEYS": new_key_entry("bench"),
        "RECORD_ANCHOR_LOG": str(Path(anchors.name) / "record_anchors.log"),
        # Production counts failed sign-ins in Redis (README); the workers share it.
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        **settings,
    }
    command = [
        *(sys.executable, "-m", "gunicorn", "--workers", "2"),
        *("--bind", f"{HOST}:{port}", "--log-level", "warning"),
        *("--preload", "clinic_onboard.wsgi:app"),
    ]
    server = subprocess.Popen(command, env=environment)
    try:
        _wait_until_up(port, server)
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        anchors.cleanup()


def _wait_until_up(port: int, server: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode}")
        try:
            status, _, _ = request(port, "GET", "/healthz")
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return
    raise RuntimeError("gunicorn did not answer /healthz within a minute")


def request(
    port: int, method: str, path: str, body: str | None = None, cookie: str = ""
) -> tuple[int, dict[str, list[str]], str]:
    """One request on a fresh connection: status, headers (several Set-Cookie) and body."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        found: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return response.status, found, response.read().decode()
    finally:
        connection.close()


def sign_in(port: int, email: str) -> str:
    """Sign in through the real form (CSRF token and all); the Cookie header to send after."""
    status, headers, page = request(port, "GET", "/auth/login")
    token = CSRF_FIELD.search(page)
    if status != 200 or token is None:
        raise RuntimeError(f"the sign-in page answered {status} without a CSRF token")
    cookies = _cookies(headers, {})
    form = urlencode({"csrf_token": token.group(1), "email": email, "password": PASSWORD})
    status, headers, _ = request(port, "POST", "/auth/login", form, _header(cookies))
    if status != 302:
        raise RuntimeError(f"signing in as {email} answered {status}")
    return _header(_cookies(headers, cookies))


def _cookies(headers: dict[str, list[str]], known: dict[str, str]) -> dict[str, str]:
    found = dict(known)
    for line in headers.get("set-cookie", []):
        name, _, value = line.split(";", 1)[0].partition("=")
        found[name.strip()] = value.strip()
    return found


def _header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _wrk(port: int, path: str, cookie: str, seconds: float) -> Rate:
    """wrk with 2 threads and CONNECTIONS connections."""
    url = f"http://{HOST}:{port}{path}"
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    base = ["wrk", "-t2", f"-c{CONNECTIONS}", *headers]
    output = subprocess.run(
        [*base, f"-d{max(1, round(seconds))}s", url], check=True, capture_output=True, text=True
    ).stdout
    total, took, unit = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)\b", output).groups()
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = int(bad.group(1)) if bad else 0
    elapsed = float(took) * {"ms": 0.001, "s": 1, "m": 60}[unit]
    return Rate(path, int(total) - errors, errors, elapsed)


def _threads(port: int, path: str, cookie: str, seconds: float) -> Rate:
    """CONNECTIONS threads, each sending one request after another."""
    started = time.perf_counter()
    counts = _run_threads(port, path, cookie, seconds)
    elapsed = time.perf_counter() - started
    return Rate(path, sum(ok for ok, _ in counts), sum(bad for _, bad in counts), elapsed)


def _run_threads(port: int, path: str, cookie: str, seconds: float) -> list[tuple[int, int]]:
    deadline = time.perf_counter() + seconds
    counts: list[tuple[int, int]] = [(0, 0)] * CONNECTIONS

    def work(slot: int) -> None:
        ok = bad = 0
        while time.perf_counter() < deadline:
            status, _, _ = request(port, "GET", path, cookie=cookie)
            ok, bad = (ok + 1, bad) if status == 200 else (ok, bad + 1)
        counts[slot] = (ok, bad)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts
