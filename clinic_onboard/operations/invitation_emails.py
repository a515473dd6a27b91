"""Emailing set-password links to many new hires at once, as a job: each recipient's link is
made and committed, then mailed, so a slow mail server never holds the database, and the
progress page lists what happened to each email."""

from collections.abc import Generator, Iterator

from flask_babel import gettext as _
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import Clinic, Job, JobKind, LineOutcome, Membership, User
from clinic_onboard.operations import invitation_quota, invitations, jobs
from clinic_onboard.operations.invitations import Delivery
from clinic_onboard.operations.jobs import LineResult

NOT_SENT = LineOutcome.NOT_SENT


def add_sending(clinic: Clinic, actor: User, recipients: list[tuple[int, str]]) -> Job:
    """A queued job emailing each (membership id, role name) its link; flushes."""
    payload = {"recipients": [[membership_id, role] for membership_id, role in recipients]}
    return jobs.add_job(clinic, actor, JobKind.SEND_INVITATIONS, payload, len(recipients))


def run_sending(job: Job) -> Iterator[None]:
    """Make, commit and email each recipient's link, yielding for the runner to commit."""
    actor = db.session.get_one(User, job.started_by_id)
    for number, (membership_id, role_name) in enumerate(job.payload["recipients"], start=1):
        membership = db.session.scalar(
            select(Membership).where(
                Membership.id == membership_id, Membership.clinic_id == job.clinic_id
            )
        )
        if membership is None:
            result = LineResult(number, NOT_SENT, "", _("This person was removed."))
        else:
            result = yield from _send(number, membership, role_name, actor)
        jobs.add_lines(job, [result])
        yield


def _send(
    number: int, membership: Membership, role_name: str, actor: User
) -> Generator[None, None, LineResult]:
    email = membership.user.email
    try:
        link = invitations.issue_link(membership, actor)
    except (invitations.HasPassword, invitations.NotThisClinics):
        message = _("No link was made: this person already signs in with a password.")
        return LineResult(number, NOT_SENT, email, message)
    except invitation_quota.InvitationRefused as refused:
        return LineResult(number, NOT_SENT, email, str(refused))
    yield  # the link's audit entry is committed before the mail server is asked
    if invitations.email_link(membership, link, role_name, actor) == Delivery.SENT:
        return LineResult(number, LineOutcome.SENT, email)
    message = _("The email could not be sent; make a new link from the hire's page.")
    return LineResult(number, NOT_SENT, email, message)
