"""The access rules over plain stand-ins: no app, no database (``policy`` is pure)."""

from types import SimpleNamespace

import pytest

from clinic_onboard import policy
from clinic_onboard.policy import AppRole

MANAGER, SUPERVISOR, HIRE, OTHER = 1, 2, 3, 4


def member(user_id: int, role: AppRole, clinic_id: int = 10, requires: bool = False):
    clinic = SimpleNamespace(require_two_factor=requires)
    return SimpleNamespace(user_id=user_id, role=role, clinic_id=clinic_id, clinic=clinic)


def onboarding(supervisor_id: int | None = SUPERVISOR):
    return SimpleNamespace(membership=member(HIRE, AppRole.STAFF), supervisor_id=supervisor_id)


@pytest.mark.parametrize(
    ("viewer", "supervisor_id", "allowed"),
    [
        (member(MANAGER, AppRole.MANAGER), SUPERVISOR, True),
        (member(SUPERVISOR, AppRole.SUPERVISOR), SUPERVISOR, True),
        (member(HIRE, AppRole.STAFF), SUPERVISOR, True),
        (member(OTHER, AppRole.SUPERVISOR), SUPERVISOR, False),  # not their hire
        (member(OTHER, AppRole.STAFF), None, False),  # a colleague
        # Named supervisor but now staff: the role decides, not the old assignment.
        (member(SUPERVISOR, AppRole.STAFF), SUPERVISOR, False),
    ],
)
def test_who_may_view_a_record(viewer, supervisor_id: int | None, allowed: bool) -> None:
    assert policy.can_view_record(viewer, onboarding(supervisor_id)) is allowed


@pytest.mark.parametrize(
    ("signer", "signoff", "allowed"),
    [
        (member(SUPERVISOR, AppRole.SUPERVISOR), "supervisor", True),
        (member(SUPERVISOR, AppRole.SUPERVISOR), "manager", False),
        (member(OTHER, AppRole.SUPERVISOR), "supervisor", False),
        (member(MANAGER, AppRole.MANAGER), "manager", True),
        (member(MANAGER, AppRole.MANAGER), "supervisor", True),
        (member(MANAGER, AppRole.MANAGER), "none", False),
        (member(HIRE, AppRole.MANAGER), "manager", False),  # a manager being onboarded
    ],
)
def test_may_sign_applies_the_sign_off_rule_to_an_onboarding(
    signer, signoff: str, allowed: bool
) -> None:
    task = SimpleNamespace(signoff=signoff)
    assert policy.may_sign(signer, onboarding(), task) is allowed


def test_a_manager_is_in_charge_only_of_people_in_clinics_they_all_manage() -> None:
    mine = [member(MANAGER, AppRole.MANAGER, 10), member(MANAGER, AppRole.STAFF, 20)]
    assert policy.manages_every_clinic_of(mine, [member(HIRE, AppRole.STAFF, 10)])
    # Staff in clinic 20 is not managing it.
    both = [member(HIRE, AppRole.STAFF, 10), member(HIRE, AppRole.MANAGER, 20)]
    assert not policy.manages_every_clinic_of(mine, both)
    assert not policy.manages_every_clinic_of([], [member(HIRE, AppRole.STAFF, 10)])


def test_two_factor_is_required_of_managers_and_supervisors_where_the_clinic_asks() -> None:
    assert policy.two_factor_required([member(SUPERVISOR, AppRole.SUPERVISOR, requires=True)])
    assert policy.two_factor_required([member(MANAGER, AppRole.MANAGER, requires=True)])
    assert not policy.two_factor_required([member(HIRE, AppRole.STAFF, requires=True)])
    assert not policy.two_factor_required([member(MANAGER, AppRole.MANAGER, requires=False)])
    # Being staff in one clinic does not lift a requirement from another.
    mixed = [member(1, AppRole.STAFF, 10), member(1, AppRole.SUPERVISOR, 20, requires=True)]
    assert policy.two_factor_required(mixed)


def test_who_may_supervise_a_hire() -> None:
    assert policy.can_supervise(AppRole.MANAGER) and policy.can_supervise(AppRole.SUPERVISOR)
    assert not policy.can_supervise(AppRole.STAFF)
