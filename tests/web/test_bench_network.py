"""``bench/network.py`` makes its 10- and 50-clinic networks by copying one seeded clinic with
new ids and signing every copied record again. At a tiny size on PostgreSQL (the copy uses its
templates and COPY): every copy verifies and is anchored, and its people are its own.

Uses databases ``network_bench_test_1`` and ``_3`` beside TEST_DATABASE_URL's, dropped after.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bench import network
from bench.common import make_app
from clinic_onboard.extensions import db
from clinic_onboard.models import Onboarding, User
from clinic_onboard.queries.record import verify_chains
from clinic_onboard.services import anchor_log

URL = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
pytestmark = pytest.mark.skipif(
    make_url(URL).get_backend_name() != "postgresql",
    reason="the network is copied with PostgreSQL's templates and COPY",
)


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("RECORD_KEYS", network.RECORD_KEYS)
    monkeypatch.setenv("RECORD_ANCHOR_LOG", str(tmp_path / "anchors.log"))
    url = make_url(URL).set(database="network_bench_test")
    yield url.render_as_string(hide_password=False)
    engine = network.admin_engine(url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        for clinics in (1, 3):
            connection.execute(text(f'DROP DATABASE IF EXISTS "network_bench_test_{clinics}"'))
    engine.dispose()


def test_copied_clinics_verify_as_genuine(base: str, tmp_path: Path) -> None:
    network.seed_one(base, 6, tmp_path)
    network.grow(base, tmp_path, 3, 1, network.spans(base))
    app = make_app(network.database_url(base, 3))
    with app.app_context():
        reports = list(verify_chains())
        assert len(reports) == 3 * 6 and all(r.ok for r in reports), reports
        anchors = anchor_log.check_anchor_log()
        assert not (anchors.problems or anchors.unanchored or anchors.malformed), anchors
        emails = db.session.scalars(select(User.email)).all()
        assert len(emails) == 3 * 8 and len(set(emails)) == len(emails)
        clinics = select(func.count(func.distinct(Onboarding.clinic_id)))
        assert db.session.scalar(clinics) == 3
        db.session.remove()
        db.engine.dispose()
