"""``clinic-onboard verify-task-states``: each task's kept state against its events.

Pages count the state each task keeps (``OnboardingTask.state_*``) instead of folding its
events; the operations keep it as they append. This command folds every record again with the
pure ``record.states.kept_state`` and names every task whose row says otherwise (a change made
outside the app, or a bug); ``--repair`` writes the folded state over it.
"""

import click
from flask.cli import with_appcontext

from clinic_onboard.extensions import db
from clinic_onboard.operations import task_states
from clinic_onboard.queries.task_states import StateMismatch, state_mismatches


@click.command("verify-task-states")
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Records read at a time; how far the check got is printed after each batch.",
)
@click.option("--repair", is_flag=True, help="Write each disagreeing task's folded state.")
@with_appcontext
def verify_task_states_command(batch: int, repair: bool) -> None:
    """Check that every task's kept state is what its events fold to; exit 1 naming each task
    that disagrees (0 with --repair, once the rows are rewritten)."""
    found: list[StateMismatch] = []
    checked = 0
    for records, mismatches in state_mismatches(batch):
        checked += records
        for mismatch in mismatches:
            click.echo(_line(mismatch), err=True)
        found += mismatches
        click.echo(f"Records checked so far: {checked} ({len(found)} tasks disagree).", err=True)
    if found and repair:
        onboardings = sorted({m.onboarding_id for m in found})
        written = sum(
            task_states.refresh(onboardings[start : start + batch])
            for start in range(0, len(onboardings), batch)
        )
        db.session.commit()
        click.echo(f"Rewrote the kept state of {written} tasks from their events.")
    elif found:
        raise click.ClickException(
            f"{len(found)} tasks keep a state their events do not give; "
            "--repair rewrites it from the events."
        )
    else:
        click.echo("Every task's kept state agrees with its events.")


def _line(mismatch: StateMismatch) -> str:
    kept, folded = mismatch.kept, mismatch.folded
    return (
        f"Onboarding {mismatch.onboarding_id}, task {mismatch.task_id}: keeps "
        f"{kept.kind or 'nothing'} (event {kept.event_id}, completion {kept.done_id}), "
        f"its events give {folded.kind or 'nothing'} (event {folded.event_id}, "
        f"completion {folded.done_id})."
    )
