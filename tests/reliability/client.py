"""A minimal browser over ``http.client``: its own cookies, the CSRF token of the last page,
and a new connection per request, so a request is never silently retried on a stale one."""

import html
import http.client
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FLASH = re.compile(r'<p class="flash flash--(\w+)">(.*?)</p>', re.S)


@dataclass(frozen=True)
class Page:
    status: int
    location: str | None
    text: str
    data: bytes  # the body as sent, for a download
    headers: http.client.HTTPMessage

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

    def post_file(
        self, path: str, data: dict[str, str], field: str, file: tuple[str, bytes, str]
    ) -> Page:
        """POST a multipart form with one ``file`` (name, content, claimed type) in ``field``,
        with the CSRF token of the last page this browser read."""
        boundary = secrets.token_hex(16)
        parts = [
            _part(boundary, f'name="{name}"', value.encode())
            for name, value in {"csrf_token": self._csrf, **data}.items()
        ]
        name, content, kind = file
        parts.append(_part(boundary, f'name="{field}"; filename="{name}"', content, kind))
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self._request("POST", path, body, headers)

    def elsewhere(self, base_url: str) -> "Browser":
        """The same person, cookies and all, reaching another server (as a proxy would send
        them to another instance)."""
        other = Browser(base_url, self._timeout)
        other._cookies, other._csrf = dict(self._cookies), self._csrf
        return other

    def login(self, email: str, password: str) -> None:
        self.get("/auth/login")
        reply = self.post("/auth/login", {"email": email, "password": password})
        if reply.status != 302:
            raise AssertionError(f"{email} could not sign in: {reply.status} {reply.flashes}")
        self.get("/clinic/")  # a page of the signed-in session, for its CSRF token

    def _request(
        self,
        method: str,
        path: str,
        body: str | bytes | None = None,
        headers: dict | None = None,
    ) -> Page:
        connection = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        try:
            connection.request(method, path, body, {**(headers or {}), **self._cookie_header()})
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        text = data.decode("utf-8", "replace")
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        if found := CSRF.search(text):
            self._csrf = html.unescape(found.group(1))
        return Page(response.status, response.headers.get("Location"), text, data, response.headers)

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


def _part(boundary: str, disposition: str, content: bytes, kind: str | None = None) -> bytes:
    """One part of a multipart/form-data body."""
    head = f"--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n"
    if kind:
        head += f"Content-Type: {kind}\r\n"
    return head.encode() + b"\r\n" + content + b"\r\n"
