"""Fixtures for the web tests: a real SMTP conversation on 127.0.0.1 for those that send
email, and the plans the plan cache missed."""

import socket
import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from clinic_onboard.web import my


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib to hand over one message."""

    def handle(self) -> None:
        self._reply("220 localhost test server")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self._reply("250-localhost\r\n250 8BITMIME")
            elif verb == b"DATA":
                self._reply("354 go ahead")
                self.server.messages.append(self._data())  # type: ignore[attr-defined]
                self._reply("250 queued")
            elif verb == b"QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 ok")

    def _data(self) -> EmailMessage:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return message_from_bytes(b"".join(lines), policy=policy.default)

    def _reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    server.daemon_threads = True
    server.messages = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def app_config(app_config: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    """Tests marked with an SMTP port get the mail settings pointing at 127.0.0.1."""
    if "smtp_server" in request.fixturenames:
        server = request.getfixturevalue("smtp_server")
        port = server.server_address[1]
        return {**app_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False}
    if "closed_port" in request.fixturenames:
        port = request.getfixturevalue("closed_port")
        return {**app_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False}
    return app_config


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The onboarding id of every plan actually rendered (a miss of the plan cache)."""
    seen: list[int] = []
    render = my._render_plan

    def counted(onboarding_id: int, *args: object) -> str:
        seen.append(onboarding_id)
        return render(onboarding_id, *args)

    monkeypatch.setattr(my, "_render_plan", counted)
    return seen
