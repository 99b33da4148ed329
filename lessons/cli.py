"""The `lessons` command: create the database, load the demo, list sessions."""

from __future__ import annotations

from pathlib import Path

import click

from lessons import store
from lessons.auth import hash_password
from lessons.choices import SESSION_STATUSES
from lessons.demo import DatabaseNotEmpty, load_demo
from lessons.sessions import list_sessions
from lessons.startup import open_app_database


def _database_path(db: str | None) -> Path:
    return Path(db) if db else store.db_path_from_env()


@click.group()
@click.option(
    "--db",
    envvar="LESSONS_DB",
    type=click.Path(dir_okay=False),
    help="The DuckDB file (default: $LESSONS_DB, else data/lessons.duckdb).",
)
@click.pass_context
def main(context: click.Context, db: str | None) -> None:
    """Training feedback and lessons learnt for councils."""
    context.obj = _database_path(db)


@main.command()
@click.pass_obj
def init(path: Path) -> None:
    """Create the database (empty) and bring its schema up to date."""
    existed = path.exists()
    database = open_app_database(path)
    database.close()
    click.echo(f"{'Updated' if existed else 'Created'} {path}")


@main.command()
@click.option("--if-new", is_flag=True, help="Do nothing when the database file already exists.")
@click.pass_obj
def demo(path: Path, if_new: bool) -> None:
    """Load the demo programme into a new, empty database."""
    if if_new and path.exists():
        click.echo(f"{path} exists; leaving it as it is.")
        return
    database = open_app_database(path)
    try:
        programme = load_demo(database)
    except DatabaseNotEmpty as not_empty:
        raise click.ClickException(str(not_empty)) from not_empty
    finally:
        database.close()
    responses = sum(len(s.responses) for s in programme.sessions)
    click.echo(
        f"Loaded the demo programme into {path}:"
        f" {len(programme.sessions)} sessions, {responses} responses."
    )


@main.group()
def sessions() -> None:
    """Work with sessions."""


@sessions.command("list")
@click.pass_obj
def sessions_list(path: Path) -> None:
    """List every session, newest first, with its code and responses."""
    if not path.exists():
        raise click.ClickException(
            f"No database at {path}: run 'lessons init' or 'lessons demo' first."
        )
    database = open_app_database(path)
    try:
        rows = list_sessions(database)
    finally:
        database.close()
    if not rows:
        click.echo("No sessions yet.")
        return
    for row in rows:
        expected = row.expected_attendees if row.expected_attendees else "?"
        click.echo(
            f"{row.starts_at:%Y-%m-%d %H:%M}  {row.short_code}  {SESSION_STATUSES[row.status]:<9}"
            f"  {row.response_count:>3}/{expected:<3}  {row.title} ({row.council})"
        )


@main.command("hash-password")
@click.password_option(prompt="Staff password", help="The password staff will type.")
def hash_password_command(password: str) -> None:
    """Print a hash of the staff password to put in LESSONS_STAFF_PASSWORD."""
    if len(password) < 10:
        raise click.ClickException("Use at least 10 characters: a short password is guessable.")
    click.echo(hash_password(password))
