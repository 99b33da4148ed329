"""The `lessons` command: create the database, load the demo, list sessions, and the privacy
doors (purge, find, erase, export)."""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from lessons import privacy, store
from lessons.auth import hash_password
from lessons.choices import SESSION_STATUSES
from lessons.demo import DatabaseNotEmpty, load_demo
from lessons.errors import ValidationError
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


def _existing_database(path: Path) -> store.Database:
    if not path.exists():
        raise click.ClickException(
            f"No database at {path}: run 'lessons init' or 'lessons demo' first."
        )
    return open_app_database(path)


def _command_line_actor() -> str:
    """Who the audit trail names for a change made here: the system account running it."""
    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):
        return "command line"


@main.group("privacy")
def privacy_group() -> None:
    """Retention, erasure and subject access (each recorded in the audit trail)."""


@privacy_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted; delete nothing.")
@click.pass_obj
def privacy_purge(path: Path, dry_run: bool) -> None:
    """Delete the responses older than the retention period, with their comments."""
    database = _existing_database(path)
    try:
        due = privacy.purge_preview(database)
        click.echo(
            f"Retention: {due.months} months. Sent before {due.cutoff:%-d %B %Y}:"
            f" {due.held.describe()}."
        )
        if dry_run:
            click.echo("Dry run: nothing deleted.")
            return
        done = privacy.purge(database, _command_line_actor())
    finally:
        database.close()
    click.echo(f"Deleted {done.held.describe()}. Recorded in the audit trail.")


def _find(database: store.Database, query: str, err: bool = False) -> list[store.ContactRow]:
    """The responses whose kept contact details contain `query`, listed one a line (on
    standard error with `err`, to keep standard output for the JSON of an export)."""
    try:
        found = privacy.find_contacts(database, query)
    except ValidationError as invalid:
        raise click.ClickException(" ".join(invalid.errors.values())) from invalid
    for match in found:
        click.echo(
            f"response {match.response_id:>6}  {match.submitted_on:%Y-%m-%d}"
            f"  {match.contact_name or '—'} <{match.contact_detail or '—'}>"
            f"  {match.session_title}  ({match.comments} comments)",
            err=err,
        )
    if not found:
        click.echo("No kept name or contact detail contains that.", err=err)
    return found


@privacy_group.command("find")
@click.argument("query")
@click.pass_obj
def privacy_find(path: Path, query: str) -> None:
    """List the responses whose kept name or contact detail contains QUERY."""
    database = _existing_database(path)
    try:
        _find(database, query)
    finally:
        database.close()


@privacy_group.command("erase")
@click.argument("query")
@click.option(
    "--with-responses", is_flag=True, help="Delete the responses too, not only the details."
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def privacy_erase(path: Path, query: str, with_responses: bool, yes: bool) -> None:
    """Erase the contact details (and, with --with-responses, the responses) that match QUERY."""
    database = _existing_database(path)
    try:
        found = _find(database, query)
        if not found:
            return
        what = "these responses" if with_responses else "the contact details of these responses"
        if not yes:
            click.confirm(f"Erase {what} for good?", abort=True)
        erased = privacy.erase_contacts(
            database,
            [m.response_id for m in found],
            _command_line_actor(),
            with_responses=with_responses,
        )
    finally:
        database.close()
    click.echo(f"Erased {erased.describe()}. Recorded in the audit trail.")


@privacy_group.command("export")
@click.argument("query")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the JSON here instead of to standard output.",
)
@click.pass_obj
def privacy_export(path: Path, query: str, output: str | None) -> None:
    """Everything held with the contact details that match QUERY, as JSON (subject access)."""
    database = _existing_database(path)
    try:
        found = _find(database, query, err=True)
        if not found:
            raise click.ClickException("Nothing to export.")
        data = privacy.subject_access(
            database, [m.response_id for m in found], _command_line_actor()
        )
    finally:
        database.close()
    if output:
        Path(output).write_text(data, encoding="utf-8")
        click.echo(f"Wrote {len(found)} responses to {output}.", err=True)
    else:
        click.echo(data, nl=False)


@main.command("hash-password")
@click.password_option(prompt="Staff password", help="The password staff will type.")
def hash_password_command(password: str) -> None:
    """Print a hash of the staff password to put in LESSONS_STAFF_PASSWORD."""
    if len(password) < 10:
        raise click.ClickException("Use at least 10 characters: a short password is guessable.")
    click.echo(hash_password(password))
