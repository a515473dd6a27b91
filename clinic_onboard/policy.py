"""Who may do what: the one place access rules live. Pure: roles in, booleans out."""

from clinic_onboard.models.clinic import AppRole

MANAGERS = frozenset({AppRole.MANAGER})
PEOPLE_VIEWERS = frozenset({AppRole.MANAGER, AppRole.SUPERVISOR})


def can_manage_clinic(role: AppRole) -> bool:
    """Edit the clinic profile, its roles and its staff."""
    return role in MANAGERS


def can_view_people(role: AppRole) -> bool:
    """See the clinic's member list and each member's page."""
    return role in PEOPLE_VIEWERS


def can_review_signoffs(role: AppRole) -> bool:
    """Open the sign-off queue (the items themselves are checked by ``can_sign_off``)."""
    return role in PEOPLE_VIEWERS


def can_sign_off(
    signer_role: AppRole,
    signer_user_id: int,
    hire_user_id: int,
    supervisor_id: int | None,
    task_signoff: str,
) -> bool:
    """Staff never; nobody their own onboarding; a supervisor only their hires' "supervisor"
    items; a manager any item of their clinic (the clinic is checked by tenancy first)."""
    if signer_user_id == hire_user_id or task_signoff == "none":
        return False
    if signer_role == AppRole.MANAGER:
        return True
    return (
        signer_role == AppRole.SUPERVISOR
        and supervisor_id == signer_user_id
        and task_signoff == "supervisor"
    )


def can_view_record(
    viewer_role: AppRole, viewer_user_id: int, hire_user_id: int, supervisor_id: int | None
) -> bool:
    """An onboarding's record and files: the hire, their supervisor and the clinic's managers."""
    return (
        viewer_role == AppRole.MANAGER
        or viewer_user_id == hire_user_id
        or (viewer_role == AppRole.SUPERVISOR and viewer_user_id == supervisor_id)
    )


def can_correct_record(role: AppRole) -> bool:
    """Void an event with a reason, and give the final sign-off."""
    return role in MANAGERS


def can_complete_onboarding(role: AppRole, user_id: int, hire_user_id: int) -> bool:
    """The final sign-off: a manager, never on their own onboarding."""
    return role in MANAGERS and user_id != hire_user_id
