"""Security headers on every response, and cookies that scripts cannot read."""

from flask.testing import FlaskClient

from tests.conftest import Auth


def test_pages_carry_the_security_headers(client: FlaskClient) -> None:
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_error_pages_carry_them_too(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "We could not find that page" in response.get_data(as_text=True)


def test_session_cookie_is_http_only_and_same_site(
    client: FlaskClient, auth: Auth, make_member
) -> None:
    response = auth.login_as(make_member())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
