"""A minimal browser over ``http.client``: its own cookies, the CSRF token of the last page,
and a new connection per request, so a request is never silently retried on a stale one."""

import html
import http.client
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FLASH = re.compile(r'<p class="flash flash--(\w+)">(.*?)</p>', re.S)


@dataclass(frozen=True)
class Page:
    status: int
    location: str | None
    text: str

    @property
    def flashes(self) -> list[tuple[str, str]]:
        """The (category, message) pairs the page shows, unescaped."""
        return [(kind, html.unescape(text.strip())) for kind, text in FLASH.findall(self.text)]


class Browser:
    """One person at one browser. Connection errors raise OSError for the caller to count."""

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        parts = urlsplit(base_url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._timeout = timeout
        self._cookies: dict[str, str] = {}
        self._csrf = ""

    def get(self, path: str) -> Page:
        return self._request("GET", path)

    def post(self, path: str, data: dict[str, str | list[str]] | None = None) -> Page:
        """POST a form with the CSRF token of the last page this browser read."""
        body = urlencode({"csrf_token": self._csrf, **(data or {})}, doseq=True)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._request("POST", path, body, headers)

    def login(self, email: str, password: str) -> None:
        self.get("/auth/login")
        reply = self.post("/auth/login", {"email": email, "password": password})
        if reply.status != 302:
            raise AssertionError(f"{email} could not sign in: {reply.status} {reply.flashes}")
        self.get("/clinic/")  # a page of the signed-in session, for its CSRF token

    def _request(
        self, method: str, path: str, body: str | None = None, headers: dict | None = None
    ) -> Page:
        connection = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        try:
            connection.request(method, path, body, {**(headers or {}), **self._cookie_header()})
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        if found := CSRF.search(text):
            self._csrf = html.unescape(found.group(1))
        return Page(response.status, response.headers.get("Location"), text)

    def _cookie_header(self) -> dict[str, str]:
        if not self._cookies:
            return {}
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self._cookies.items())}

    def _keep_cookies(self, headers: list[str]) -> None:
        """Keep each cookie's latest value; an expired or emptied one is dropped."""
        for header in headers:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            gone = "max-age=0" in attributes.lower().replace(" ", "") or not value
            if gone:
                self._cookies.pop(name, None)
            else:
                self._cookies[name] = value
