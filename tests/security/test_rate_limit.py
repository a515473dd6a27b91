"""Sign-in attempts are rate-limited, with the same friendly page for everyone."""

import pytest
from flask.testing import FlaskClient

from tests.conftest import config_for_tests


@pytest.fixture
def app_config(database_url: str) -> dict:
    return config_for_tests(database_url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")


def test_the_fourth_attempt_in_a_minute_is_refused(client: FlaskClient, make_member) -> None:
    member = make_member()
    attempt = {"email": member.user.email, "password": "wrong password"}
    codes = [client.post("/auth/login", data=attempt).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Too many attempts" in client.post("/auth/login", data=attempt).get_data(as_text=True)
    assert client.get("/auth/login").status_code == 200
