"""What a clinic profile change would do to each role's checklist and plan, before it is saved.

Open plans keep their snapshot whatever the profile becomes (``queries.plans`` compares them
later); the preview counts them so the manager knows how many hires a change will concern.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from clinic_onboard.catalog import Catalog
from clinic_onboard.extensions import db
from clinic_onboard.models import Clinic, ClinicRole, Onboarding, OnboardingStatus
from clinic_onboard.operations.accounts import ClinicDetails
from clinic_onboard.planner import ClinicProfile, Plan
from clinic_onboard.queries.plan_inputs import plan_for


@dataclass(frozen=True)
class RoleChange:
    """What one role's checklist and plan gain and lose under a new profile."""

    role: ClinicRole
    added: tuple[tuple[str, str], ...]  # (item id, title)
    removed: tuple[tuple[str, str], ...]
    open_plans: int
    # Items the new province words its own way under the same title (ipac.ppe_order_on in
    # Ontario, ipac.ppe_order elsewhere): one item replaced, not one added and one removed.
    replaced: tuple[str, ...] = ()


def profile_of(details: ClinicDetails) -> ClinicProfile:
    return ClinicProfile(details.province, details.setting, details.emr, frozenset(details.options))


def preview_changes(
    catalog: Catalog, clinic: Clinic, details: ClinicDetails, today: date
) -> list[RoleChange]:
    """Each role's added and removed items if ``details`` became the clinic's profile."""
    roles = db.session.scalars(
        select(ClinicRole).where(ClinicRole.clinic_id == clinic.id).order_by(ClinicRole.name)
    ).all()
    open_counts = _open_plans_by_role(clinic.id)
    new_profile = profile_of(details)
    changes = []
    for role in roles:
        before = _items(plan_for(catalog, clinic, role, today))
        after = _items(plan_for(catalog, clinic, role, today, new_profile))
        changes.append(_change(role, before, after, open_counts.get(role.id, 0)))
    return changes


def _change(
    role: ClinicRole, before: dict[str, str], after: dict[str, str], open_plans: int
) -> RoleChange:
    """Added and removed items by id, an item under the same title in both counted once."""
    added = {i: t for i, t in after.items() if i not in before}
    removed = {i: t for i, t in before.items() if i not in after}
    replaced = set(added.values()) & set(removed.values())
    return RoleChange(
        role=role,
        added=tuple((i, t) for i, t in added.items() if t not in replaced),
        removed=tuple((i, t) for i, t in removed.items() if t not in replaced),
        open_plans=open_plans,
        replaced=tuple(sorted(replaced)),
    )


def _items(plan: Plan) -> dict[str, str]:
    return {entry.id: entry.title for entry in (*plan.tasks, *plan.duties)}


def _open_plans_by_role(clinic_id: int) -> dict[int, int]:
    query = (
        select(Onboarding.role_id, func.count())
        .where(Onboarding.clinic_id == clinic_id, Onboarding.status == OnboardingStatus.ACTIVE)
        .where(Onboarding.is_onboarding)
        .group_by(Onboarding.role_id)
    )
    return {role_id: count for role_id, count in db.session.execute(query)}
