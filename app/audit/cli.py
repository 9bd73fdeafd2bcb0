"""`flask audit verify`: check the whole audit trail from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db

audit_cli = AppGroup("audit", help="The audit trail.")

PROBLEMS = {
    "altered": "event {id} does not match its hash (it was changed)",
    "link": "the event before event {id} was removed, added or changed",
    "head": "the chain does not end at the recorded head (event {id}): the newest events "
    "were removed, or events were added outside Laurel",
    "checkpoint": "event {id}, verified earlier, was changed or removed",
}


@audit_cli.command("verify")
def verify_command() -> None:
    """Check every event of the audit trail and print the hash of the newest
    one, to be kept or published elsewhere. Exit status 1 if the trail has
    been altered. Safe to run at any time; it only moves the checkpoint."""
    from app.audit.services import advance_checkpoint, verify_chain

    check = verify_chain(full=True)
    if not check.intact:
        click.echo(
            "Audit trail ALTERED: " + PROBLEMS[check.problem].format(id=check.event_id), err=True
        )
        click.echo(
            f"Verified up to event {check.last_id or '-'} ({check.checked} events).", err=True
        )
        click.echo(f"Recorded head: event {check.head_id or '-'}, hash {check.head_hash}", err=True)
        raise SystemExit(1)
    advance_checkpoint(check)
    db.session.commit()
    click.echo(f"Audit trail intact: {check.checked} events.")
    click.echo(f"Newest event: {check.head_id or '-'}")
    click.echo(f"Head hash: {check.head_hash}")
