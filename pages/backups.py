"""Backups (Settings): back up now, the backups taken, and how to restore one."""

import streamlit as st

from lessons import backups, ui_auth, ui_data, ui_widgets
from lessons.clock import now_local

me = ui_auth.require_role("admin")
database = ui_data.database()
settings = backups.backup_settings(database.path)

st.title("Backups")
when = (
    f"every night at **{settings.at:%H:%M}**"
    if settings.at
    else "only when asked (nightly backups are off: `LESSONS_BACKUP_TIME=off`)"
)
st.markdown(
    f"The app backs up the database {when}, checks each backup (it opens it and compares"
    f" every table's rows with the database) and keeps the newest **{settings.keep}**."
)
st.caption("Backup folder (LESSONS_BACKUP_DIR):")
st.code(str(settings.folder.resolve()), language=None, wrap_lines=True)

recorded = backups.history(database)
if worry := backups.worry(recorded, settings, now_local()):
    st.warning(worry, icon=":material/warning:")
if flash := st.session_state.pop("backups_flash", None):
    st.success(flash, icon=":material/check:")

if st.button("Back up now", type="primary", icon=":material/backup:", key="backups_now"):
    with st.spinner("Backing up…"):
        try:
            result = backups.back_up(database, me)
        except backups.BackupFailed as failed:
            st.error(str(failed), icon=":material/error:")
        else:
            st.session_state["backups_flash"] = result.describe()
            st.rerun()

st.header("Recent backups")
if not recorded:
    st.info("No backup has been taken from this database yet.")
else:
    ui_widgets.key_columns_table(
        [
            {
                "Started": row.started_at,
                "Checked": row.checked,
                "Size (MB)": round(row.size_bytes / 1_000_000, 1),
                "Rows": row.rows,
                "Tables": row.tables,
                "File": row.file or "—",
                "By": f"{row.requested_by} ({row.trigger})",
                "Problem": row.error,
            }
            for row in recorded
        ],
        column_config={
            "Started": st.column_config.DatetimeColumn(format="DD MMM YYYY, HH:mm:ss"),
            "Checked": st.column_config.CheckboxColumn(),
        },
        key_columns=["Started", "Checked", "Problem"],
        key="backups_table",
    )
    present = {f.path.name for f in backups.backup_files(settings.folder, database.path.stem)}
    gone = [row.file for row in recorded if row.file and row.file not in present]
    if gone:
        st.caption(
            f"{len(gone)} of these files are no longer in the folder: older backups are"
            " deleted as newer ones are taken, and at a retention purge or an erasure."
        )

st.header("How to restore")
folder = settings.folder
st.markdown(
    "Restoring replaces the whole database with a backup, so it is done on the server with"
    " the app stopped:\n\n"
    "1. Stop the app.\n"
    "2. `lessons backup list` shows the backups; choose one.\n"
    f"3. `lessons restore {folder}/<file>.duckdb` checks the backup, keeps the current"
    " database aside (renamed `….before-restore-<date>`, never overwritten), puts the backup"
    " in its place, brings it up to date and lists what it restored.\n"
    "4. Start the app again.\n\n"
    "To look inside a backup without touching the database, restore it elsewhere:"
    " `lessons restore <file> --to /tmp/look.duckdb`."
)
st.caption(
    "Keep a copy off this server too: see 'Backups' in the README for copying the backup"
    " folder elsewhere each night."
)
