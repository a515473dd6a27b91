"""``clinic-onboard verify-plan-verdicts``: each hire's kept verdict against its plan.

The staff list reads whether a hire's plan is behind its role from the onboarding's row
(``Onboarding.behind``, kept by ``operations.plan_verdicts``) while the plan's inputs are
those it was reached with. This command compares every hire's snapshot with today's plan
again and names each onboarding whose kept verdict says otherwise (a change made outside the
app, or a bug); ``--repair`` keeps today's verdict for every hire, which also fills the
verdicts a migration, a new library or a role's new tailoring left the pages to reach.
"""

import click
from flask.cli import with_appcontext

from clinic_onboard.extensions import db
from clinic_onboard.operations import plan_verdicts
from clinic_onboard.queries.plans import verdict_checks
from clinic_onboard.services.library import catalog


@click.command("verify-plan-verdicts")
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Hires compared at a time; how far the check got is printed after each batch.",
)
@click.option("--repair", is_flag=True, help="Keep today's verdict for every hire.")
@with_appcontext
def verify_plan_verdicts_command(batch: int, repair: bool) -> None:
    """Check that every verdict a hire keeps is what comparing its plan gives today; exit 1
    naming each one that disagrees (0 with --repair, once the verdicts are kept)."""
    library = catalog()
    wrong: list[int] = []
    checked = not_kept = written = 0
    for check in verdict_checks(library, batch):
        checked += len(check.onboardings)
        not_kept += check.not_kept
        for onboarding_id in check.wrong:
            click.echo(f"Onboarding {onboarding_id}: its kept verdict is wrong.", err=True)
        wrong += check.wrong
        if repair:
            written += plan_verdicts.keep(check.onboardings, library, check.behind)
            db.session.commit()
        click.echo(f"Hires checked so far: {checked} ({len(wrong)} wrong).", err=True)
    if repair:
        click.echo(f"Kept today's verdict for {written} hires ({len(wrong)} were wrong).")
    elif wrong:
        raise click.ClickException(
            f"{len(wrong)} hires keep a verdict their plan does not give; --repair keeps today's."
        )
    else:
        click.echo(
            f"Every kept verdict agrees with the plans; {not_kept} hires keep none for "
            "today's plan inputs (--repair keeps them)."
        )
