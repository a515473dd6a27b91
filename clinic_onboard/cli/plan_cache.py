"""``clinic-onboard plan-cache``: how often the hire's rendered plan is served from the cache.

With ``PLAN_CACHE_URL`` the cache is shared in Redis and counts every worker's lookups there
per hour, so this command reports the hit rate of the whole deployment, what it keeps and how
much of Redis's memory is used. Without it each worker keeps its own cache and logs its own hit
rate; this command says so.
"""

import click
from flask.cli import with_appcontext

from clinic_onboard.web.plan_cache import plan_cache
from clinic_onboard.web.render_cache import SharedRenderCache


@click.command("plan-cache")
@with_appcontext
def plan_cache_command() -> None:
    """Print the plan cache's hit rate over the last hour and day, and what it keeps."""
    cache = plan_cache()
    if not isinstance(cache, SharedRenderCache):
        click.echo(
            "The plan cache is kept in each worker process, which logs its own hit rate every "
            f"{cache.REPORT_EVERY} lookups; set PLAN_CACHE_URL to share it in Redis and see "
            "the hit rate of every worker here."
        )
        return
    try:
        stats = cache.stats()
    except cache.errors as error:
        raise click.ClickException(f"Redis at PLAN_CACHE_URL did not answer: {error}") from None
    limit = f"{stats.max_memory / 1024**2:.0f} MB" if stats.max_memory else "no maxmemory"
    click.echo(f"Last hour: {stats.last_hour}")
    click.echo(f"Last 24 hours: {stats.last_day}")
    click.echo(f"Plans kept: {stats.entries}")
    click.echo(
        f"Redis memory: {stats.used_memory / 1024**2:.1f} MB used of {limit} "
        f"(policy {stats.policy or 'unknown'})"
    )
