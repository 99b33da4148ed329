"""The one way into the database: the DuckDB connection, migrations and every query.

A process opens one `Database`. Reads take their own cursor (a DuckDB
connection is not thread-safe, and Streamlit runs each rerun on its own
thread); writes go through `Database.transaction()`, which serialises them
behind one lock, like a single writer, so concurrent submissions never race
each other into a conflict.

Every query is a function named for what it returns, with values passed as
parameters, never formatted into the SQL.

The queries live in one module per part of the product; this package gathers
them, so callers write `store.session_by_id(cur, 3)` whatever module it is in.
"""

from __future__ import annotations

from pathlib import Path

from lessons.store.analysis import *  # noqa: F403
from lessons.store.database import *  # noqa: F403
from lessons.store.database import Database, db_path_from_env
from lessons.store.migrations import *  # noqa: F403
from lessons.store.migrations import migrate
from lessons.store.register import *  # noqa: F403
from lessons.store.sessions import *  # noqa: F403
from lessons.store.summaries import *  # noqa: F403
from lessons.store.trends import *  # noqa: F403


def open_database(path: Path | str | None = None) -> Database:
    """Open (creating if needed) and migrate the database."""
    database = Database(path if path is not None else db_path_from_env())
    migrate(database)
    return database
