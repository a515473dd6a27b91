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
