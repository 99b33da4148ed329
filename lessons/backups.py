"""Backups: taken by the running app, checked, kept for a while, and restored.

DuckDB lets one process write a database file, so the app itself takes the backups: each
night at a set time (`LESSONS_BACKUP_TIME`, 02:00 unless set, "off" for never; a night
missed while the server was stopped is made up as it starts), when an administrator asks
on the Backups page, or when `lessons backup now` asks the running app.
A backup is DuckDB's own copy of the open database into a new file (a snapshot: the app
carries on writing meanwhile), never a copy of the live file.

Each backup is written under a hidden temporary name, opened again and checked (the same
tables, each with the row count the snapshot had), and only then renamed to its final
name, `<database>-YYYYMMDD-HHMMSS.duckdb`, in `LESSONS_BACKUP_DIR` (else `backups/`
beside the database: data/backups/ for the default database). A backup cut short (a
crash, a kill, a full disk) leaves at most a hidden `.partial` file, removed by the next
backup. The newest `LESSONS_BACKUP_KEEP` backups are kept (14 unless set); a retention
purge or an erasure also deletes those older than the retention period. Every backup,
taken or failed, is recorded in the `backups` table.

A restore (`lessons restore`, app stopped) checks the backup the same way, keeps the
current file aside under a new name (never overwritten), puts the backup in its place and
brings its schema up to date.

The running server writes a run-file beside the database (mode 0600: its address, its
process id and a random secret made at start) and removes it when it stops; the command
line reads it to ask the running app for a backup (lessons.web_backup).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import re
import secrets
import shutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from lessons import store
from lessons.auth import Actor, check_role
from lessons.clock import now_local
from lessons.privacy_notice import DEFAULT_BACKUP_DAYS
from lessons.startup import open_app_database
from lessons.wording import plural

DEFAULT_TIME = time(2, 0)
DEFAULT_KEEP = DEFAULT_BACKUP_DAYS
ENV_FOLDER = "LESSONS_BACKUP_DIR"
ENV_TIME = "LESSONS_BACKUP_TIME"
ENV_KEEP = "LESSONS_BACKUP_KEEP"
SCHEDULE = Actor(None, "schedule", "admin")
SUFFIX = ".duckdb"
PARTIAL = ".partial"
RUN_FILE_SUFFIX = ".server.json"
SECRET_HEADER = "X-Lessons-Backup-Secret"

_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<extra>\d+))?\.duckdb$")
_running = threading.Lock()
log = logging.getLogger(__name__)


class BackupFailed(Exception):
    """A backup or restore that did not happen, and why, in words for the person asking."""


# --- settings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupSettings:
    """Where backups go, when the nightly one is taken (None: never), how many are kept."""

    folder: Path
    at: time | None
    keep: int


def backup_settings(
    database_path: Path, environ: Mapping[str, str] | None = None
) -> BackupSettings:
    """The settings from the environment; a bad value raises ValueError saying what to set."""
    env = os.environ if environ is None else environ
    folder = Path(env.get(ENV_FOLDER) or Path(database_path).parent / "backups")
    when = env.get(ENV_TIME, "").strip().lower()
    at: time | None = DEFAULT_TIME
    if when in ("off", "never", "none"):
        at = None
    elif when:
        try:
            at = time.fromisoformat(when)
        except ValueError:
            raise ValueError(
                f"{ENV_TIME} should be a time of day such as 02:00 (or 'off'), not {when!r}."
            ) from None
    keep_text = env.get(ENV_KEEP, "").strip()
    if keep_text and (not keep_text.isdigit() or int(keep_text) < 1):
        raise ValueError(f"{ENV_KEEP} should be a whole number of backups, 1 or more.")
    return BackupSettings(folder, at, int(keep_text) if keep_text else DEFAULT_KEEP)


def kept_for_days(database: store.Database) -> int:
    """How many nightly backups are kept: the days a deleted answer can live on in one."""
    return backup_settings(database.path).keep


# --- the files ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    size_bytes: int


def backup_files(folder: Path, stem: str) -> list[BackupFile]:
    """The finished backups of the database named `stem` in `folder`, oldest first. A
    temporary file of a backup in progress (or cut short) is not one of them."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and match["stem"] == stem and path.is_file():
            taken = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
            found.append((taken, int(match["extra"] or 0), path))
    return [BackupFile(p, taken, p.stat().st_size) for taken, _, p in sorted(found)]


def _new_name(folder: Path, stem: str, when: datetime) -> Path:
    """`<stem>-YYYYMMDD-HHMMSS.duckdb`; a second one in the same second gets `-2`, and so
    on, numbered after any left from that second, so names sort in the order taken."""
    base = f"{stem}-{when:%Y%m%d-%H%M%S}"
    same_second = [
        int(match["extra"] or 1)
        for path in folder.iterdir()
        if (match := _NAME.match(path.name.lstrip(".").removesuffix(PARTIAL)))
        and match["stem"] == stem
        and match["stamp"] == f"{when:%Y%m%d-%H%M%S}"
    ]
    if not same_second:
        return folder / f"{base}{SUFFIX}"
    return folder / f"{base}-{max(same_second) + 1}{SUFFIX}"


def _remove(path: Path) -> None:
    """Remove a file and DuckDB's write-ahead log beside it, if there."""
    for each in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            each.unlink()


def _remove_partials(folder: Path) -> None:
    """What a backup cut short left behind (only one backup runs at a time)."""
    for path in folder.glob(f".*{PARTIAL}*"):
        _remove(path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _explain(folder: Path, problem: BaseException) -> str:
    text = str(problem)
    full = (
        isinstance(problem, OSError) and problem.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
    ) or any(
        words in text
        for words in ("No space left", "File too large", "Disk quota", "not enough space")
    )
    if full:
        return (
            f"The backup folder {folder} is full: the backup was not written. Free some space"
            f" there (or set {ENV_FOLDER} to a folder with room); the earlier backups are kept."
        )
    return f"The backup could not be written to {folder}: {text}"


# --- taking a backup ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    file: Path
    size_bytes: int
    tables: dict[str, int]
    started_at: datetime
    finished_at: datetime

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def describe(self) -> str:
        return (
            f"Backed up {plural(len(self.tables), 'table')}, {plural(self.rows, 'row')},"
            f" to {self.file}"
            f" ({megabytes(self.size_bytes)}), checked."
        )


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def file_tables(path: Path) -> dict[str, int]:
    """The tables of a DuckDB file and their row counts, read-only (raises BackupFailed if
    it cannot be opened)."""
    try:
        with store.reading_file(path) as cur:
            return store.table_counts(cur)
    except store.CopyFailed as failed:
        raise BackupFailed(f"{path} cannot be opened as a database: {failed}") from failed


def _difference(expected: dict[str, int], found: dict[str, int]) -> str:
    missing = sorted(set(expected) - set(found))
    if missing:
        return f"tables missing: {', '.join(missing)}"
    extra = sorted(set(found) - set(expected))
    if extra:
        return f"tables not in the database: {', '.join(extra)}"
    return ", ".join(
        f"{name} has {plural(found[name], 'row')}, not {expected[name]:,}"
        for name in expected
        if expected[name] != found[name]
    )


def _write_checked(database: store.Database, folder: Path, final: Path) -> dict[str, int]:
    """Copy the database into a temporary file, check it, and rename it to `final`."""
    partial = folder / f".{final.name}{PARTIAL}"
    try:
        with database.reading() as cur:
            counts = store.copy_database_into(cur, partial)
        found = file_tables(partial)
        if found != counts:
            raise BackupFailed(
                f"The backup did not match the database ({_difference(counts, found)}):"
                " it was not kept."
            )
        _fsync(partial)
        os.replace(partial, final)
        _fsync(folder)
    except BaseException as problem:
        _remove(partial)
        if isinstance(problem, BackupFailed):
            raise
        if isinstance(problem, store.CopyFailed | OSError):
            raise BackupFailed(_explain(folder, problem)) from problem
        raise
    return counts


def back_up(
    database: store.Database,
    actor: Actor,
    trigger: str = "on demand",
    settings: BackupSettings | None = None,
) -> BackupResult:
    """Take a backup now, check it, record it, and keep only the newest `keep`. Raises
    BackupFailed (recorded too) when it cannot be written or does not check out."""
    check_role(actor.role, "admin", "take a backup")
    chosen = settings or backup_settings(database.path)
    if not _running.acquire(blocking=False):
        raise BackupFailed("A backup is being taken already: wait a minute and look again.")
    try:
        started = now_local()
        try:
            chosen.folder.mkdir(parents=True, exist_ok=True)
            _remove_partials(chosen.folder)
            final = _new_name(chosen.folder, database.path.stem, started)
            counts = _write_checked(database, chosen.folder, final)
        except BackupFailed as failed:
            _record(database, started, trigger, actor, error=str(failed))
            raise
        except OSError as problem:
            message = _explain(chosen.folder, problem)
            _record(database, started, trigger, actor, error=message)
            raise BackupFailed(message) from problem
        result = BackupResult(final, final.stat().st_size, counts, started, now_local())
        _record(database, started, trigger, actor, result=result)
        prune(chosen, database.path.stem)
        return result
    finally:
        _running.release()


def _record(
    database: store.Database,
    started: datetime,
    trigger: str,
    actor: Actor,
    result: BackupResult | None = None,
    error: str = "",
) -> None:
    with database.transaction() as cur:
        store.insert_backup(
            cur,
            started_at=started,
            finished_at=result.finished_at if result else now_local(),
            trigger=trigger,
            requested_by=actor.name,
            file=result.file.name if result else "",
            size_bytes=result.size_bytes if result else 0,
            tables=len(result.tables) if result else 0,
            rows=result.rows if result else 0,
            checked=result is not None,
            error=error,
        )


def prune(settings: BackupSettings, stem: str) -> list[Path]:
    """Delete all but the newest `keep` backups; return those deleted."""
    files = backup_files(settings.folder, stem)
    gone = [f.path for f in files[: max(0, len(files) - settings.keep)]]
    for path in gone:
        _remove(path)
    return gone


def delete_backups_before(database_path: Path, cutoff: date) -> list[Path]:
    """Delete the backups taken before `cutoff` (the retention period's first kept day):
    what a purge or an erasure deleted must not live on in an old backup."""
    settings = backup_settings(database_path)
    gone = [
        f.path
        for f in backup_files(settings.folder, Path(database_path).stem)
        if f.taken_at.date() < cutoff
    ]
    for path in gone:
        _remove(path)
    return gone


def history(database: store.Database, limit: int = 30) -> list[store.BackupRow]:
    """The backups recorded in this database, newest first (taken and failed)."""
    with database.reading() as cur:
        return store.recent_backups(cur, limit)


def worry(rows: list[store.BackupRow], settings: BackupSettings, now: datetime) -> str:
    """What an administrator should know about the backups (empty when all is well): the
    newest backup failed, or the nightly ones have stopped."""
    if rows and rows[0].error:
        return f"The last backup, at {rows[0].started_at:%-d %b %Y %H:%M}, failed: {rows[0].error}"
    taken = next((row.started_at for row in rows if row.checked), None)
    if settings.at is not None and taken is not None and now - taken > timedelta(days=2):
        return (
            f"No backup has been taken since {taken:%-d %b %Y %H:%M}: is the server stopped"
            " at night, or the backup folder unreachable?"
        )
    return ""


# --- the schedule ---------------------------------------------------------------------------------


def next_run(now: datetime, at: time) -> datetime:
    """The next time of day `at` after `now`."""
    today = datetime.combine(now.date(), at)
    return today if today > now else today + timedelta(days=1)


def first_run(now: datetime, at: time, last_taken: datetime | None) -> datetime:
    """When the schedule, starting at `now`, takes its first backup: at the next `at`, or at
    once when the server was stopped at the last one (the last backup taken, if any, is
    older than it). A database never backed up waits for the set time."""
    due = next_run(now, at)
    if last_taken is not None and last_taken < due - timedelta(days=1):
        return now
    return due


def last_taken(database: store.Database) -> datetime | None:
    """When the newest backup that was checked was started, if any."""
    return next((row.started_at for row in history(database) if row.checked), None)


class BackupSchedule(threading.Thread):
    """The nightly backup, on its own thread of the server (and its own cursor)."""

    def __init__(self, database: Callable[[], store.Database], settings: BackupSettings) -> None:
        super().__init__(name="lessons-backups", daemon=True)
        self._database = database
        self._settings = settings
        self._stopping = threading.Event()

    def run(self) -> None:
        at = self._settings.at
        if at is None:
            return
        try:
            due = first_run(now_local(), at, last_taken(self._database()))
        except Exception:
            log.exception("The backup schedule could not read the last backup")
            due = next_run(now_local(), at)
        while not self._stopping.is_set():
            # Wake at least hourly: the clock may be changed, or move for summer time.
            wait = (due - now_local()).total_seconds()
            if wait > 0:
                self._stopping.wait(min(wait, 3600))
                continue
            try:
                result = back_up(self._database(), SCHEDULE, "scheduled", self._settings)
                log.info("%s", result.describe())
            except BackupFailed as failed:
                log.error("The nightly backup failed: %s", failed)
            except Exception:
                log.exception("The nightly backup failed")
            due = next_run(now_local(), at)

    def stop(self) -> None:
        self._stopping.set()


# --- restoring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    target: Path
    kept_aside: Path | None
    tables: dict[str, int]
    migrations: list[str]
    # Erasures and purges made after the backup was taken: restoring it undid them.
    undone: list[store.PrivacyRecord] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def file_in_use(path: Path) -> bool:
    """Does another process hold the database file open for writing (a running app)?
    DuckDB locks the file it writes; this asks for the same lock without waiting."""
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _aside_name(target: Path, when: datetime) -> Path:
    base = f"{target.name}.before-restore-{when:%Y%m%d-%H%M%S}"
    path = target.with_name(base)
    extra = 1
    while path.exists():
        extra += 1
        path = target.with_name(f"{base}-{extra}")
    return path


def check_backup(backup: Path) -> dict[str, int]:
    """A backup's tables and row counts, after checking it is one of this app's databases."""
    if not backup.is_file():
        raise BackupFailed(f"No backup file at {backup}.")
    tables = file_tables(backup)
    if "schema_migrations" not in tables or "sessions" not in tables:
        raise BackupFailed(f"{backup} is a DuckDB file but not a backup of this app's database.")
    return tables


def restore(backup: Path, target: Path) -> Restored:
    """Put `backup` in the place of the database at `target`, the app being stopped: check
    the backup, keep the current file aside under a new name, copy, and migrate."""
    if running_server(target) is not None or file_in_use(target):
        raise BackupFailed(f"The app is using {target}: stop it first, then restore.")
    check_backup(backup)
    with store.reading_file(backup) as cur:
        recorded = set(store.applied_migrations(cur))
    when = now_local()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}{PARTIAL}")
    try:
        shutil.copyfile(backup, partial)
        _fsync(partial)
    except OSError as problem:
        _remove(partial)
        raise BackupFailed(f"Could not copy the backup beside {target}: {problem}") from problem
    kept_aside = None
    if target.exists():
        kept_aside = _aside_name(target, when)
        os.rename(target, kept_aside)
        wal = target.with_name(target.name + ".wal")
        if wal.exists():
            os.rename(wal, kept_aside.with_name(kept_aside.name + ".wal"))
    os.replace(partial, target)
    database = open_app_database(target)
    try:
        with database.reading() as cur:
            tables = store.table_counts(cur)
    finally:
        database.close()
    applied = [name for name, _ in store.MIGRATIONS if name not in recorded]
    undone = _privacy_changes_since(kept_aside, backup) if kept_aside else []
    return Restored(target, kept_aside, tables, applied, undone)


def _privacy_changes_since(kept_aside: Path, backup: Path) -> list[store.PrivacyRecord]:
    """The erasures and purges recorded in the file kept aside after the backup's newest
    privacy record: restoring the backup undid them. None when the kept-aside file cannot
    be read (the disk failed, say)."""
    try:
        with store.reading_file(backup) as cur:
            known = store.privacy_record(cur, limit=1)
        with store.reading_file(kept_aside) as cur:
            later = store.privacy_record(cur)
    except store.CopyFailed:
        return []
    since = known[0].changed_at if known else datetime.min
    return [r for r in later if r.changed_at > since and r.action in ("erased", "purged")]


# --- the running server's run-file --------------------------------------------------------------


@dataclass(frozen=True)
class RunningServer:
    pid: int
    url: str
    secret: str


def run_file(database_path: Path) -> Path:
    return Path(database_path).with_name(Path(database_path).name + RUN_FILE_SUFFIX)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def write_run_file(database_path: Path, url: str, secret: str) -> Path:
    """Say where the server listens and its secret, readable by its own user only."""
    path = run_file(database_path)
    partial = path.with_name(f".{path.name}{PARTIAL}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"pid": os.getpid(), "url": url, "secret": secret}, out)
    os.chmod(partial, 0o600)
    os.replace(partial, path)
    return path


def remove_run_file(database_path: Path) -> None:
    """Remove the run-file if it is this process's own."""
    server = _read_run_file(run_file(database_path))
    if server is not None and server.pid == os.getpid():
        with contextlib.suppress(FileNotFoundError):
            run_file(database_path).unlink()


def _read_run_file(path: Path) -> RunningServer | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return RunningServer(int(data["pid"]), str(data["url"]), str(data["secret"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_server(database_path: Path) -> RunningServer | None:
    """The server using this database, from its run-file, if its process is alive."""
    server = _read_run_file(run_file(database_path))
    if server is None or not _alive(server.pid):
        return None
    return server
