"""The `lessons` command: create the database, load the demo, list sessions, manage people,
the privacy doors (purge, find, erase, export), backups and restore."""

from __future__ import annotations

import getpass
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from lessons import (
    accounts,
    backups,
    import_sheet,
    importing,
    learning,
    privacy,
    store,
    tagging,
    web_backup,
)
from lessons.auth import COMMAND_LINE, ROLES, Actor
from lessons.choices import SESSION_STATUSES
from lessons.demo import DatabaseNotEmpty, load_demo
from lessons.errors import DatabaseInUse, DatabaseUnavailable, ValidationError
from lessons.sessions import list_sessions
from lessons.startup import open_app_database
from lessons.wording import plural


def _database_path(db: str | None) -> Path:
    return Path(db) if db else store.db_path_from_env()


# The page of the running app that does what each group of commands does.
APP_PAGES = {
    "users": "Settings → People",
    "privacy": "Settings → Privacy",
    "sessions": "the Sessions page",
}


def refuse_database_unavailable(problem: DatabaseUnavailable, command: str | None) -> NoReturn:
    """The one answer of every command whose database cannot be used, the running app's
    lock included: one line saying what is wrong and what to do, exit status 1, no
    traceback. A command that can instead ask the running app (through one of its routes)
    catches `DatabaseInUse` itself before it gets here."""
    if isinstance(problem, DatabaseInUse):
        page = APP_PAGES.get(command or "")
        instead = f", or do this on {page} in the app" if page else ""
        click.echo(
            f"Error: the app (or another program) is using the database {problem.path}, and"
            f" DuckDB lets one program at a time use it: stop the app first{instead}.",
            err=True,
        )
    else:
        click.echo(f"Error: {problem}", err=True)
    sys.exit(1)


class _Commands(click.Group):
    """`lessons`: every command, with one refusal for a database that cannot be used."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DatabaseUnavailable as problem:
            refuse_database_unavailable(problem, ctx.invoked_subcommand)


@click.group(cls=_Commands)
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
        f" {plural(len(programme.sessions), 'session')}, {plural(responses, 'response')}."
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


@main.group()
def users() -> None:
    """Staff accounts: add, list, change roles, deactivate, set passwords."""


def _existing_database(path: Path) -> store.Database:
    if not path.exists():
        raise click.ClickException(
            f"No database at {path}: run 'lessons init' or 'lessons demo' first."
        )
    return open_app_database(path)


def _command_line_actor() -> Actor:
    """Who the audit trail names for a change made here: no account, but the system account
    running the command. The command line on the server may do anything."""
    try:
        return Actor(None, f"{COMMAND_LINE.name} ({getpass.getuser()})", COMMAND_LINE.role)
    except (KeyError, OSError):
        return COMMAND_LINE


@contextmanager
def _people(path: Path, new: bool = False) -> Iterator[store.Database]:
    """The database (made if `new` allows), closed after; a refusal becomes one line."""
    database = open_app_database(path) if new else _existing_database(path)
    try:
        yield database
    except ValidationError as invalid:
        raise click.ClickException(" ".join(invalid.errors.values())) from invalid
    finally:
        database.close()


def _password_from(stdin: bool) -> str:
    """A new password: the first line of standard input, or typed twice at a prompt."""
    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("New password", hide_input=True, confirmation_prompt=True))


def _account(database: store.Database, email: str) -> store.AccountRow:
    account = accounts.account_by_email(database, email)
    if account is None:
        raise click.ClickException(f"No account has the email address {email}.")
    return account


ROLE_CHOICE = click.Choice(list(ROLES))


@users.command("add")
@click.argument("email")
@click.option("--name", required=True, help="The person's name, as colleagues know them.")
@click.option("--role", required=True, type=ROLE_CHOICE, help="What they may do.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read their password from the first line of standard input. Without it, they sign"
    " in by single sign-on until a password is set.",
)
@click.pass_obj
def users_add(path: Path, email: str, name: str, role: str, password_stdin: bool) -> None:
    """Add a person with a role: facilitator, lead (programme lead) or admin."""
    password = _password_from(True) if password_stdin else None
    with _people(path, new=True) as database:
        accounts.add_account(database, email, name, role, password, _command_line_actor())
    how = "a password" if password else "single sign-on only (no password yet)"
    click.echo(f"Added {name.strip()} <{email.strip()}> as {ROLES[role].lower()}, with {how}.")


@users.command("list")
@click.pass_obj
def users_list(path: Path) -> None:
    """Every account: email, role, active or not, and how they sign in."""
    with _people(path) as database:
        people = accounts.list_accounts(database)
    if not people:
        click.echo("No accounts yet.")
        return
    for a in people:
        click.echo(
            f"{a.email:<40}  {ROLES[a.role]:<15}  {'active' if a.active else 'INACTIVE':<8}"
            f"  {'password' if a.has_password else 'sso only':<8}  {a.display_name}"
        )


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
@click.pass_obj
def users_set_role(path: Path, email: str, role: str) -> None:
    """Change a person's role."""
    with _people(path) as database:
        accounts.set_role(database, _account(database, email).id, role, _command_line_actor())
    click.echo(f"{email} is now {ROLES[role].lower()}.")


def _set_active(path: Path, email: str, active: bool) -> None:
    with _people(path) as database:
        accounts.set_active(database, _account(database, email).id, active, _command_line_actor())
    click.echo(f"{'Reactivated' if active else 'Deactivated'} {email}.")


@users.command("deactivate")
@click.argument("email")
@click.pass_obj
def users_deactivate(path: Path, email: str) -> None:
    """Stop a person signing in (their browsers are signed out; their history stays)."""
    _set_active(path, email, False)


@users.command("reactivate")
@click.argument("email")
@click.pass_obj
def users_reactivate(path: Path, email: str) -> None:
    """Let a deactivated person sign in again."""
    _set_active(path, email, True)


@users.command("reset-password")
@click.argument("email")
@click.option(
    "--password-stdin", is_flag=True, help="Read it from standard input instead of a prompt."
)
@click.pass_obj
def users_reset_password(path: Path, email: str, password_stdin: bool) -> None:
    """Set a person's password (typed twice at a prompt, or from standard input); every
    browser signed in as them is signed out."""
    with _people(path) as database:
        account = _account(database, email)
        accounts.reset_password(
            database, account.id, _password_from(password_stdin), _command_line_actor()
        )
    click.echo(f"Set a new password for {email}.")


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
            f"Retention: {plural(due.months, 'month')}. Sent before {due.cutoff:%-d %B %Y}:"
            f" {due.held.describe()}."
        )
        if dry_run:
            click.echo("Dry run: nothing deleted.")
            return
        done = privacy.purge(database, _command_line_actor())
    finally:
        database.close()
    click.echo(f"Deleted {done.held.describe()}. Recorded in the audit trail.")
    if done.backups_deleted:
        click.echo(
            f"Deleted {plural(done.backups_deleted, 'backup')} older than the retention period."
        )


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
            f"  {match.session_title}  ({plural(match.comments, 'comment')})",
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
        click.echo(f"Wrote {plural(len(found), 'response')} to {output}.", err=True)
    else:
        click.echo(data, nl=False)


# --- backups -------------------------------------------------------------------------------


@main.group("backup")
def backup_group() -> None:
    """Back up the database now, or list the backups (see also `lessons restore`)."""


def _ask_running_app(server: backups.RunningServer) -> dict[str, Any]:
    """Ask the running app for a backup (lessons.web_backup), with its run-file's secret."""
    request = urllib.request.Request(
        server.url + web_backup.BACKUP_PATH,
        data=b"",
        method="POST",
        headers={backups.SECRET_HEADER: server.secret},
    )
    try:
        with urllib.request.urlopen(request, timeout=600) as answer:
            return dict(json.loads(answer.read()))
    except urllib.error.HTTPError as refused:
        try:
            return dict(json.loads(refused.read()))
        except ValueError:
            return {"ok": False, "error": f"The app answered {refused.code}."}
    except (urllib.error.URLError, OSError) as unreachable:
        raise click.ClickException(
            f"The app is running (process {server.pid}) but did not answer at {server.url}:"
            f" {unreachable}. Try again, or stop it and run this again."
        ) from unreachable


@backup_group.command("now")
@click.pass_obj
def backup_now(path: Path) -> None:
    """Take a backup now: the running app takes it if it is running, else this command."""
    server = backups.running_server(path)
    if server is not None:
        answer = _ask_running_app(server)
        if not answer.get("ok"):
            raise click.ClickException(str(answer.get("error", "The backup failed.")))
        click.echo(f"{answer['message']} (taken by the running app)")
        return
    if backups.file_in_use(path):
        raise click.ClickException(
            f"Another process is using {path} and left no run-file to ask it by: if it is the"
            " app, restart it (it writes one at start), or stop it and run this again."
        )
    database = _existing_database(path)
    try:
        result = backups.back_up(database, _command_line_actor())
    except backups.BackupFailed as failed:
        raise click.ClickException(str(failed)) from failed
    finally:
        database.close()
    click.echo(result.describe())


@backup_group.command("list")
@click.pass_obj
def backup_list(path: Path) -> None:
    """The backups in the backup folder, oldest first, with their size."""
    try:
        settings = backups.backup_settings(path)
    except ValueError as problem:
        raise click.ClickException(str(problem)) from problem
    files = backups.backup_files(settings.folder, path.stem)
    if not files:
        click.echo(f"No backups in {settings.folder} yet.")
        return
    for each in files:
        click.echo(
            f"{each.taken_at:%Y-%m-%d %H:%M:%S}"
            f"  {backups.megabytes(each.size_bytes):>10}  {each.path}"
        )
    when = f"each day at {settings.at:%H:%M}" if settings.at else "never (LESSONS_BACKUP_TIME=off)"
    click.echo(
        f"{plural(len(files), 'backup')}; the newest {settings.keep} are kept;"
        f" the app backs up {when}."
    )


@main.command()
@click.argument("backup", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--to",
    "to",
    type=click.Path(dir_okay=False),
    help="Restore into this file instead of the database ($LESSONS_DB).",
)
@click.pass_obj
def restore(path: Path, backup: str, to: str | None) -> None:
    """Put BACKUP in the database's place, with the app stopped: the backup is checked
    first and the current file is kept aside under a new name."""
    target = Path(to) if to else path
    try:
        done = backups.restore(Path(backup), target)
    except backups.BackupFailed as failed:
        raise click.ClickException(str(failed)) from failed
    if done.kept_aside:
        click.echo(f"Kept the database that was there as {done.kept_aside}")
    click.echo(
        f"Restored {backup} to {done.target}: {plural(len(done.tables), 'table')},"
        f" {plural(done.rows, 'row')}."
    )
    for name, rows in done.tables.items():
        click.echo(f"  {name:<28} {rows:>10,}")
    if done.migrations:
        click.echo(f"Brought the schema up to date: {', '.join(done.migrations)}.")
    database = open_app_database(done.target)
    try:
        due = privacy.purge_preview(database)
    finally:
        database.close()
    if due.held.responses:
        click.echo(
            f"{due.held.responses:,} restored responses are past the {due.months}-month"
            " retention period: run 'lessons privacy purge' before starting the app."
        )
    if done.undone:
        click.echo(
            f"Restoring undid {len(done.undone)} erasures or purges made after this backup"
            " was taken: make them again (from the kept-aside database's audit trail):"
        )
        for change in done.undone:
            click.echo(f"  {change.changed_at:%Y-%m-%d %H:%M}  {change.actor}: {change.detail}")


# --- analysis ------------------------------------------------------------------------------


@main.command()
@click.option("--all", "everything", is_flag=True, help="Read every comment again.")
@click.option("--workers", default=2, show_default=True, help="Processes to analyse on.")
@click.option(
    "--learn/--no-learn",
    default=True,
    show_default=True,
    help="First retrain the learned layer from people's corrections, if they changed.",
)
@click.pass_obj
def reanalyse(path: Path, everything: bool, workers: int, learn: bool) -> None:
    """Bring every comment's analysis up to date (rules, then the learned layer)."""
    database = _existing_database(path)
    try:
        if learn and (trained := learning.retrain(database)) is not None:
            click.echo(
                f"Learned layer version {trained.version}, from {trained.examples}"
                " corrections and confirmations."
            )
        with click.progressbar(length=1, label="Re-analysing comments") as bar:
            shown = [0]

            def report(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - shown[0])
                shown[0] = done

            result = tagging.reanalyse(
                database, progress=report, workers=workers, everything=everything
            )
    finally:
        database.close()
    click.echo(f"Re-analysed {plural(result.analysed, 'comment')}.")


# --- import (issue 13) --------------------------------------------------------------------


@main.group("import")
def import_group() -> None:
    """Bring in feedback from elsewhere (Microsoft Forms, Google Forms, our own CSV)."""


def _echo_plan(plan: importing.ImportPlan, shown: int = 50) -> None:
    counts = plan.counts
    click.echo(
        f"{plan.sheet.name} ({import_sheet.SOURCES[plan.source]}):"
        f" {plural(counts.rows_read, 'row')}"
        f" read, {counts.to_store:,} to store, {counts.refused:,} refused,"
        f" {plural(counts.duplicates, 'duplicate')} skipped."
    )
    for outcome in plan.refused[:shown]:
        click.echo(f"  row {outcome.number} ({outcome.row_key}): {'; '.join(outcome.reasons)}")
    if len(plan.refused) > shown:
        click.echo(f"  … and {len(plan.refused) - shown:,} more refused rows.")


@import_group.command("responses")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--session", "session_code", help="Store every row in the session with this code.")
@click.option(
    "--map",
    "mapping_file",
    type=click.Path(exists=True, dir_okay=False),
    help='A JSON file: {"columns": {"header": "field"}, "scale": {"Very satisfied": 5}}.',
)
@click.option("--dry-run", is_flag=True, help="Judge every row and print the counts; store none.")
@click.option(
    "--accept-partial", is_flag=True, help="Store the accepted rows even when some are refused."
)
@click.pass_obj
def import_responses(
    path: Path,
    file: str,
    session_code: str | None,
    mapping_file: str | None,
    dry_run: bool,
    accept_partial: bool,
) -> None:
    """Import the responses in FILE (CSV or XLSX). Without --accept-partial, a file with any
    refused row stores nothing and exits with status 1."""
    try:
        sheet = import_sheet.read_sheet(Path(file).name, Path(file).read_bytes())
        if mapping_file:
            spec = json.loads(Path(mapping_file).read_text(encoding="utf-8"))
            mapping = import_sheet.mapping_from_json(sheet, spec)
        else:
            mapping = import_sheet.propose_mapping(sheet)
    except (import_sheet.UnreadableFile, json.JSONDecodeError, ValueError) as unreadable:
        raise click.ClickException(str(unreadable)) from unreadable
    with _people(path) as database:
        plan = importing.plan_import(database, sheet, mapping, session_code)
        _echo_plan(plan)
        refused = plan.counts.refused > 0 and not accept_partial
        if dry_run or refused:
            click.echo("Dry run: nothing stored." if dry_run else "Nothing stored.")
            if refused:
                click.echo("Rows were refused: fix them, or store the rest with --accept-partial.")
                sys.exit(1)
            return
        click.echo(f"Storing {plural(plan.counts.to_store, 'row')} in one transaction…")
        sys.stdout.flush()
        done = importing.run_import(database, plan, _command_line_actor())
    counts = done.counts
    click.echo(
        f"Stored {plural(counts.to_store, 'response')}; {counts.refused:,} refused,"
        f" {plural(counts.duplicates, 'duplicate')} skipped."
    )


if __name__ == "__main__":  # `python -m lessons.cli …`, as the benchmarks run it
    main()
