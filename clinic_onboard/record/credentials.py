"""The dates of a credential or document the hire records: the one rule for the hire's form,
for recording it, and for the signer who verifies it (pure; the caller passes today)."""

from datetime import date

from clinic_onboard.record.words import N_

ISSUED_LATER = N_("The issue date cannot be later than today.")
EXPIRES_BEFORE_ISSUE = N_("The expiry date must be after the issue date.")
EXPIRED = N_("This has expired: the expiry date is past. Record a current one.")


def date_problems(issued_on: date, expires_on: date | None, today: date) -> list[str]:
    """Each rule the dates break, as the catalog's English message (translated where shown)."""
    problems = []
    if issued_on > today:
        problems.append(ISSUED_LATER)
    if expires_on is not None and expires_on <= issued_on:
        problems.append(EXPIRES_BEFORE_ISSUE)
    elif expires_on is not None and expires_on < today:
        problems.append(EXPIRED)
    return problems


def recorded_date_problems(payload: dict, today: date) -> list[str]:
    """The same rules on a recorded credential's payload (ISO dates; a missing expiry none)."""
    issued = payload.get("issued_on")
    if not issued:
        return []
    expires = payload.get("expires_on")
    return date_problems(
        date.fromisoformat(issued), date.fromisoformat(expires) if expires else None, today
    )
