"""When an item is worth a reminder, and the "stage" that decides whether it is news.

An item is mentioned once per stage. Stages are built so that every situation that needs
action comes back, but never more than once a week:

- due soon: within ``DUE_SOON_DAYS`` of the due date (one mention, keyed by the due date);
- overdue: once per week past due (days 1-7 are week 0, days 8-14 week 1, ...);
- a credential: once in each of the 90/60/30/7-day windows before expiry, then once per week
  after it expired; recording a new card changes the expiry date and so starts afresh;
- waiting for sign-off: once per week since the hire completed the item.

A due date or expiry is part of the stage, so moving it (a correction) makes it news again.
"""

from datetime import date

DUE_SOON_DAYS = 7
REPEAT_DAYS = 7
EXPIRY_WINDOWS = (7, 30, 60, 90)
EXPIRED = "expired"
# Longest time one stage stays current (the 90-day window runs from day 90 to day 61), plus a
# margin: the shell only needs to load log entries this recent to know what was already said.
STAGE_LIFETIME_DAYS = 40


def weeks_since(start: date, today: date) -> int:
    """0 during the first week from ``start`` (inclusive), 1 in the second, ..."""
    return max((today - start).days, 0) // REPEAT_DAYS


def due_stage(due_date: date, today: date) -> str | None:
    """``due:<date>`` within a week of the due date, ``overdue:<date>:w<n>`` after it."""
    days_left = (due_date - today).days
    if days_left < 0:
        return f"overdue:{due_date.isoformat()}:w{weeks_since(_next_day(due_date), today)}"
    if days_left <= DUE_SOON_DAYS:
        return f"due:{due_date.isoformat()}"
    return None


def expiry_window(expires_on: date, today: date) -> str | None:
    """``expired``, or the smallest of 7/30/60/90 days the expiry falls within, else None.

    A card is still valid on its expiry date; it has expired from the next day.
    """
    days_left = (expires_on - today).days
    if days_left < 0:
        return EXPIRED
    return next((str(window) for window in EXPIRY_WINDOWS if days_left <= window), None)


def credential_stage(expires_on: date, today: date) -> str | None:
    window = expiry_window(expires_on, today)
    if window is None:
        return None
    if window == EXPIRED:
        window = f"{EXPIRED}:w{weeks_since(_next_day(expires_on), today)}"
    return f"{expires_on.isoformat()}:{window}"


def waiting_stage(completed_on: date, today: date) -> str:
    return f"w{weeks_since(completed_on, today)}"


def _next_day(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)
