"""The benchmark seeder at a tiny size: its records verify, and a small network is exactly the
first clinics of a larger one (what lets bench/run.py compare one clinic at both sizes).

Always on SQLite files of its own: seeding empties the database it is given.
"""

from pathlib import Path

from sqlalchemy import create_engine, text

from bench.seed import Size, seed, seed_record


def _clinic_rows(url: str, clinic_id: int) -> list[tuple]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT u.email, t.item_id, t.due_date, e.seq, e.kind, e.hash "
                "FROM onboarding_tasks t "
                "JOIN onboardings o ON o.id = t.onboarding_id "
                "JOIN memberships m ON m.id = o.membership_id "
                "JOIN users u ON u.id = m.user_id "
                "LEFT JOIN onboarding_events e ON e.task_id = t.id "
                "WHERE t.clinic_id = :clinic ORDER BY t.id, e.seq"
            ),
            {"clinic": clinic_id},
        ).all()
    engine.dispose()
    return [tuple(row[:5]) for row in rows]


def test_a_small_network_is_the_start_of_a_large_one(tmp_path: Path) -> None:
    small_url, large_url = (
        f"sqlite:///{tmp_path / 'small.db'}",
        f"sqlite:///{tmp_path / 'large.db'}",
    )
    small = seed(small_url, Size(1, 10))
    large = seed(large_url, Size(2, 20))
    assert small.counts["clinics"] == 1 and large.counts["clinics"] == 2
    assert small.counts["onboardings"] == 8 and large.counts["onboardings"] == 16
    assert small.counts["onboarding_events"] > 0
    first = _clinic_rows(small_url, 1)
    assert first and first == _clinic_rows(large_url, 1)


def test_the_pdf_record_has_the_items_asked_for_and_is_complete(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'record.db'}"
    onboarding_id = seed_record(url, items=150)
    engine = create_engine(url)
    with engine.connect() as connection:
        status = connection.execute(
            text("SELECT status FROM onboardings WHERE id = :id"), {"id": onboarding_id}
        ).scalar_one()
        planned = connection.execute(
            text("SELECT count(*) FROM onboarding_tasks WHERE renewal_of_id IS NULL")
        ).scalar_one()
    engine.dispose()
    assert status == "completed" and planned == 150


def test_one_clinic_of_the_size_asked_for(tmp_path: Path) -> None:
    """``bench.clinic_size`` seeds one clinic whose hires number what it reports."""
    from bench.clinic_size import people_for

    assert [people_for(hires) for hires in (49, 400)] == [57, 458]
    url = f"sqlite:///{tmp_path / 'one.db'}"
    seed(url, Size(clinics=1, staff=people_for(12)))
    engine = create_engine(url)
    with engine.connect() as connection:
        hires = connection.execute(text("SELECT count(*) FROM onboardings")).scalar()
    engine.dispose()
    assert hires == 12
