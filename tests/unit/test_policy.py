"""The access rules over plain stand-ins: no app, no database (``policy`` is pure)."""

from types import SimpleNamespace

import pytest

from clinic_onboard import policy
from clinic_onboard.policy import AppRole
from clinic_onboard.record.states import TaskStatus

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


def test_policy_can_sign_off_table() -> None:
    manager, supervisor, staff = AppRole.MANAGER, AppRole.SUPERVISOR, AppRole.STAFF
    assert policy.can_sign_off(supervisor, 2, 9, 2, "supervisor")
    assert not policy.can_sign_off(supervisor, 2, 9, 2, "manager")
    assert not policy.can_sign_off(supervisor, 2, 9, 3, "supervisor")
    assert not policy.can_sign_off(supervisor, 2, 2, 2, "supervisor")
    assert policy.can_sign_off(manager, 1, 9, 2, "manager")
    assert policy.can_sign_off(manager, 1, 9, None, "supervisor")
    assert not policy.can_sign_off(manager, 1, 1, 2, "manager")
    assert not policy.can_sign_off(staff, 5, 9, 5, "supervisor")
    assert not policy.can_sign_off(manager, 1, 9, 2, "none")


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


def test_the_final_sign_off_is_a_managers_never_on_their_own_onboarding() -> None:
    assert policy.can_complete_onboarding(member(MANAGER, AppRole.MANAGER), onboarding())
    assert not policy.can_complete_onboarding(member(HIRE, AppRole.MANAGER), onboarding())
    assert not policy.can_complete_onboarding(member(SUPERVISOR, AppRole.SUPERVISOR), onboarding())


def test_only_the_hires_own_membership_is_the_hire() -> None:
    plan = SimpleNamespace(membership_id=7)
    assert policy.is_hire(SimpleNamespace(id=7), plan)
    # The same person's membership of another clinic is not this onboarding's hire.
    assert not policy.is_hire(SimpleNamespace(id=8), plan)


@pytest.mark.parametrize(
    ("status", "author", "allowed"),
    [
        (TaskStatus.DONE, HIRE, True),
        (TaskStatus.AWAITING_SIGNOFF, HIRE, True),
        (TaskStatus.SIGNED_OFF, HIRE, False),  # signed off: the supervisor's word stands
        (TaskStatus.NEEDS_PRACTICE, HIRE, False),
        (TaskStatus.DONE, MANAGER, False),  # someone else's completion
    ],
)
def test_only_the_author_takes_back_a_completion_before_sign_off(
    status: TaskStatus, author: int, allowed: bool
) -> None:
    record = SimpleNamespace(status=status, completion=SimpleNamespace(actor_id=author))
    assert policy.can_undo(HIRE, record) is allowed
    assert not policy.can_undo(HIRE, SimpleNamespace(status=status, completion=None))


def test_the_sign_off_queue_narrows_by_the_same_rule_as_each_item() -> None:
    """What the queue's query asks for (``SIGNS``, ``signs_for_every_hire``) never leaves out
    an item ``can_sign_off`` allows."""
    for role in AppRole:
        for signoff in ("none", "supervisor", "manager"):
            for supervisor_id in (SUPERVISOR, OTHER, None):
                if policy.can_sign_off(role, SUPERVISOR, HIRE, supervisor_id, signoff):
                    assert signoff in policy.SIGNS[role]
                    assert policy.signs_for_every_hire(role) or supervisor_id == SUPERVISOR
    assert policy.signs_for_every_hire(AppRole.MANAGER)
    assert not policy.signs_for_every_hire(AppRole.SUPERVISOR)


@pytest.mark.parametrize(
    ("role", "page"),
    [
        (AppRole.MANAGER, "dashboard.index"),
        (AppRole.SUPERVISOR, "signoffs.index"),
        (AppRole.STAFF, "my.index"),
    ],
)
def test_each_person_lands_where_their_work_is(role: AppRole, page: str) -> None:
    assert policy.landing_page(role) == page


@pytest.mark.parametrize(
    ("created_by", "clinics", "ours"),
    [
        (10, [10], True),
        (10, [], True),  # nobody joined anywhere yet
        (10, [10, 20], False),  # the person also works elsewhere
        (20, [10], False),  # another clinic made the account
        (None, [10], False),  # a sign-up's own account before it had a clinic
    ],
)
def test_only_the_clinic_that_alone_uses_an_account_may_correct_it(
    created_by: int | None, clinics: list[int], ours: bool
) -> None:
    account = SimpleNamespace(
        created_by_clinic_id=created_by,
        memberships=[member(HIRE, AppRole.STAFF, clinic_id=c) for c in clinics],
    )
    assert policy.account_is_clinics_own(account, 10) is ours
