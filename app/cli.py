"""Command-line tools: thin wrappers over services, each safe to run twice."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from app.extensions import db


def register(app) -> None:
    @app.cli.command("create-organizer")
    @click.option("--email", prompt=True)
    @click.option("--name", "full_name", prompt="Full name")
    @click.password_option()
    def create_organizer(email: str, full_name: str, password: str) -> None:
        """Create an organizer account (or say it exists)."""
        from app.accounts.forms import MIN_PASSWORD
        from app.accounts.models import Role
        from app.accounts.services import create_user, find_user

        if find_user(email):
            click.echo(f"An account for {email} already exists; nothing changed.")
            return
        if len(password) < MIN_PASSWORD:
            raise click.BadParameter(f"The password needs at least {MIN_PASSWORD} characters.")
        create_user(email=email, full_name=full_name, role=Role.organizer, password=password)
        db.session.commit()
        click.echo(f"Organizer {email} created.")

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the demo editions (Przyjazny Urząd); running it again adds nothing twice."""
        from app.demo import DEMO_PASSWORD, JURORS, OFFICE_ACCOUNTS, ORGANIZER, seed_demo

        created = seed_demo()
        db.session.commit()
        from app.demo.diplomas import seed_diplomas

        diplomas_made = seed_diplomas()
        db.session.commit()
        if diplomas_made:
            created["diplomas"] = diplomas_made
        if any(created.values()):
            click.echo("Demo data created: " + ", ".join(f"{k}={v}" for k, v in created.items()))
        else:
            click.echo("Demo data already present; nothing added.")
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        click.echo(f"  organizer: {ORGANIZER[0]}")
        for email, _name in JURORS:
            click.echo(f"  juror:     {email}")
        for i in OFFICE_ACCOUNTS:
            click.echo(f"  office:    urzad{i + 1}@laurel.example")
        click.echo(
            "Editions: the first is open for applications; the pilot edition is in stage 2 "
            "(juror1 has a submitted sheet, a late draft and one not started); the 2025 "
            "edition is finished, with its results published at /results/."
        )
        click.echo(f"Database: {current_app.config['SQLALCHEMY_DATABASE_URI']}")

    @app.cli.command("ranking")
    @click.argument("edition_slug")
    @click.option(
        "--stage",
        type=click.Choice(["1", "2", "final"]),
        default="final",
        show_default=True,
        help="Rank by the stage-1, stage-2 or final score.",
    )
    @click.option(
        "--raw/--normalised",
        "raw",
        default=None,
        help="Scores as given, or with each juror's bias taken out [default: the edition's setting].",
    )
    def ranking_command(edition_slug: str, stage: str, raw: bool | None) -> None:
        """Print an edition's ranking as CSV (category,position,office,score,tied).

        One row per ranked entry, positions counted per category; tied entries
        share a position and say "yes" in the last column. Reads only."""
        import sqlalchemy as sa

        from app.editions.models import Edition
        from app.results.ranking import rank, ranking_csv

        edition = db.session.scalar(sa.select(Edition).where(Edition.slug == edition_slug))
        if edition is None:
            click.echo(f"No edition with the address name “{edition_slug}”.", err=True)
            raise SystemExit(1)
        mode = None if raw is None else ("raw" if raw else "normalised")
        result = rank(edition, stage=int(stage) if stage != "final" else "final", mode=mode)
        click.echo(ranking_csv(result), nl=False)

    @app.cli.command("backup")
    @click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="The archive to write [default: instance/backups/laurel-<UTC time>.tar.gz].",
    )
    def backup_command(output: Path | None) -> None:
        """Write one archive with the database, the uploaded and generated
        files and a manifest of checksums. Reads only; the database is read in
        one transaction, so the app may keep running."""
        from app.backup import BackupError, write_backup
        from app.timeutil import utcnow

        if output is None:
            name = f"laurel-{utcnow():%Y%m%d-%H%M%S}.tar.gz"
            output = Path(current_app.instance_path) / "backups" / name
        try:
            manifest = write_backup(output)
        except BackupError as exc:
            click.echo(f"Backup failed: {exc}", err=True)
            raise SystemExit(1) from None
        rows = sum(t["rows"] for t in manifest["tables"])
        size = sum(f["size"] for f in manifest["files"])
        click.echo(
            f"Backup written: {output} ({rows} rows in {len(manifest['tables'])} tables, "
            f"{len(manifest['files'])} files of {size / 2**20:.1f} MiB, "
            f"schema {manifest['alembic_revision']})."
        )

    @app.cli.command("restore")
    @click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
    @click.option(
        "--force",
        is_flag=True,
        help="Replace a database that already holds data (its rows are deleted).",
    )
    @click.option(
        "--check", "check_only", is_flag=True, help="Only check the archive; write nothing."
    )
    def restore_command(archive: Path, force: bool, check_only: bool) -> None:
        """Bring back an archive written by `flask backup`: into an empty
        database at the same schema revision (`flask db upgrade` first), or
        any database with --force. Every checksum is checked before anything
        is written; the rows go in in one transaction. Stop the app and the job
        worker first."""
        from app.backup import BackupError, restore_backup

        try:
            result = restore_backup(archive, force=force, check_only=check_only)
        except BackupError as exc:
            click.echo(f"Restore refused: {exc}. Nothing was changed.", err=True)
            raise SystemExit(1) from None
        manifest = result.manifest
        if check_only:
            click.echo(
                f"Archive intact: {len(manifest['tables'])} tables, {len(manifest['files'])} files, "
                f"made {manifest['created_at']} on {manifest['database_dialect']}, "
                f"schema {manifest['alembic_revision']}."
            )
            return
        click.echo(
            f"Restored {result.rows} rows and {result.files} files from {archive} "
            f"(made {manifest['created_at']} on {manifest['database_dialect']})."
        )
        if result.emptied:
            click.echo("The rows that were in the database were replaced.")
        if result.set_aside:
            click.echo(
                f"The files that were in the upload folder were moved to {result.set_aside}."
            )
        click.echo("Check the audit trail with: flask --app wsgi audit verify")
