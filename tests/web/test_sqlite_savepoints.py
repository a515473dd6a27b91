"""A savepoint is never a transaction of its own: what it held rolls back with the request."""

from sqlalchemy import func, select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic


def test_a_write_inside_a_first_savepoint_rolls_back_with_the_transaction(make_member) -> None:
    member = make_member(AppRole.MANAGER)
    before = db.session.scalar(select(func.count()).select_from(Clinic))
    db.session.commit()
    db.session.scalar(select(Clinic.id).where(Clinic.id == member.clinic_id))  # a read first
    with db.session.begin_nested():
        db.session.add(Clinic(name="Held in a savepoint", province="NS", setting="walk_in"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Clinic)) == before
