"""What the anchor log shows, printed the same way by ``verify-signoffs`` (onboarding records)
and ``verify-logs`` (clinic log units)."""

from dataclasses import dataclass

import click

from clinic_onboard.services.anchor_log import AnchorReport


@dataclass(frozen=True)
class ChainWords:
    """How the command names a chain and its entries ("Onboarding", "event", "events")."""

    chain: str
    entry: str
    entries: str
    nothing_anchored: str


RECORDS = ChainWords("Onboarding", "event", "events", "no record is anchored")
LOGS = ChainWords("Log unit", "entry", "entries", "no clinic log is anchored")


def report_anchors(report: AnchorReport, words: ChainWords) -> list[str]:
    """Print what the anchor log shows; return the failure to add (none for lagging anchors)."""
    if report.missing_log and report.unanchored:
        click.echo(f"There is no anchor log at {report.missing_log}: {words.nothing_anchored}.")
    for message in report.malformed:
        click.echo(f"Anchor log {message}.", err=True)
    for problem in report.problems:
        where = f" (anchor log line {problem.line})" if problem.line else ""
        click.echo(
            f"{words.chain} {problem.chain_id}: anchored at {words.entry} {problem.seq}{where}: "
            f"{problem.reason}.",
            err=True,
        )
    for chain_id in report.unanchored:
        click.echo(
            f"{words.chain} {chain_id}: its latest {words.entries} are not anchored yet "
            "(information, not tampering; `clinic-onboard anchor-records` anchors them)."
        )
    faults = len(report.problems) + len(report.malformed)
    return [f"{faults} anchor problem(s) found."] if faults else []
