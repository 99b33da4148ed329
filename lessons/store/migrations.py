"""The schema: ordered, named migrations, each in its own transaction."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from lessons.choices import (
    CODE_ALPHABET,
    CODE_LENGTH,
    FOLLOWUP_QUESTIONS,
    FOLLOWUP_WEEKS_DEFAULT,
    TOKEN_BYTES,
)
from lessons.clock import now_local
from lessons.store.database import Cursor, Database

# --- migrations -----------------------------------------------------------------------
# Ordered and named; each runs in its own transaction and is recorded in
# schema_migrations. Never edit one that has shipped: add another.


def _m001_sessions_and_feedback(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE sessions_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY DEFAULT nextval('sessions_id_seq'),
            title VARCHAR NOT NULL,
            starts_at TIMESTAMP NOT NULL,
            ends_at TIMESTAMP NOT NULL,
            venue VARCHAR NOT NULL DEFAULT '',
            online BOOLEAN NOT NULL DEFAULT FALSE,
            council VARCHAR NOT NULL,
            programme VARCHAR NOT NULL DEFAULT '',
            format VARCHAR NOT NULL,
            context_minutes INTEGER NOT NULL DEFAULT 0,
            hands_on_minutes INTEGER NOT NULL DEFAULT 0,
            expected_attendees INTEGER,
            status VARCHAR NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'delivered', 'reviewed')),
            feedback_open BOOLEAN NOT NULL DEFAULT TRUE,
            feedback_token VARCHAR NOT NULL UNIQUE,
            short_code VARCHAR NOT NULL UNIQUE,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            CHECK (ends_at > starts_at)
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE session_facilitators (
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            position INTEGER NOT NULL,
            name VARCHAR NOT NULL,
            is_councillor BOOLEAN NOT NULL,
            PRIMARY KEY (session_id, is_councillor, position)
        )
        """
    )
    cur.execute("CREATE SEQUENCE responses_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE responses (
            id INTEGER PRIMARY KEY DEFAULT nextval('responses_id_seq'),
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            idempotency_key VARCHAR NOT NULL UNIQUE,
            submitted_at TIMESTAMP NOT NULL,
            overall_rating INTEGER NOT NULL CHECK (overall_rating BETWEEN 1 AND 5),
            usefulness INTEGER CHECK (usefulness BETWEEN 1 AND 5),
            confidence_before INTEGER CHECK (confidence_before BETWEEN 1 AND 5),
            confidence_after INTEGER CHECK (confidence_after BETWEEN 1 AND 5),
            balance VARCHAR CHECK (balance IN ('more_why', 'about_right', 'more_how')),
            length VARCHAR CHECK (length IN ('too_short', 'about_right', 'too_long')),
            councillor_type VARCHAR
                CHECK (councillor_type IN ('sceptic', 'cautious', 'evangelist', 'next_generation')),
            contact_opt_in BOOLEAN NOT NULL DEFAULT FALSE,
            contact_name VARCHAR,
            contact_detail VARCHAR
        )
        """
    )
    cur.execute("CREATE INDEX responses_session_idx ON responses (session_id)")
    cur.execute("CREATE SEQUENCE comments_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE comments (
            id INTEGER PRIMARY KEY DEFAULT nextval('comments_id_seq'),
            response_id INTEGER NOT NULL REFERENCES responses (id),
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            question VARCHAR NOT NULL CHECK (question IN ('went_well', 'to_change', 'help_next')),
            text VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        )
        """
    )
    cur.execute("CREATE INDEX comments_session_idx ON comments (session_id)")


def _m002_comment_analysis(cur: Cursor) -> None:
    # Terms are stored one per line: readable in any SQL client, portable to PostgreSQL.
    cur.execute(
        """
        CREATE TABLE themes (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            description VARCHAR NOT NULL DEFAULT '',
            include_terms VARCHAR NOT NULL DEFAULT '',
            phrases VARCHAR NOT NULL DEFAULT '',
            exclude_terms VARCHAR NOT NULL DEFAULT '',
            position INTEGER NOT NULL,
            retired BOOLEAN NOT NULL DEFAULT FALSE,
            updated_at TIMESTAMP NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE comment_analysis (
            comment_id INTEGER PRIMARY KEY REFERENCES comments (id),
            label VARCHAR NOT NULL CHECK (label IN ('positive', 'neutral', 'negative')),
            score DOUBLE NOT NULL,
            mixed BOOLEAN NOT NULL,
            drivers VARCHAR NOT NULL,
            analyser_version VARCHAR NOT NULL,
            analysed_at TIMESTAMP NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE comment_themes (
            comment_id INTEGER NOT NULL REFERENCES comments (id),
            theme_id VARCHAR NOT NULL,
            evidence VARCHAR NOT NULL,
            label VARCHAR NOT NULL,
            score DOUBLE NOT NULL,
            PRIMARY KEY (comment_id, theme_id)
        )
        """
    )
    cur.execute("CREATE INDEX comment_themes_theme_idx ON comment_themes (theme_id)")
    # What the stored analyses reflect: one row per theme, with the hash of its
    # definition, so a taxonomy edit re-analyses only the comments it can touch.
    cur.execute(
        """
        CREATE TABLE analysed_theme_definitions (
            theme_id VARCHAR PRIMARY KEY,
            definition_hash VARCHAR NOT NULL
        )
        """
    )
    # Human corrections live apart from the analysis, so re-analysis never overwrites them.
    cur.execute(
        """
        CREATE TABLE comment_label_corrections (
            comment_id INTEGER PRIMARY KEY REFERENCES comments (id),
            label VARCHAR NOT NULL CHECK (label IN ('positive', 'neutral', 'negative')),
            corrected_by VARCHAR NOT NULL DEFAULT '',
            corrected_at TIMESTAMP NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE comment_theme_corrections (
            comment_id INTEGER NOT NULL REFERENCES comments (id),
            theme_id VARCHAR NOT NULL,
            action VARCHAR NOT NULL CHECK (action IN ('add', 'remove')),
            corrected_by VARCHAR NOT NULL DEFAULT '',
            corrected_at TIMESTAMP NOT NULL,
            PRIMARY KEY (comment_id, theme_id)
        )
        """
    )
    # What every page reads: the analysis with the corrections applied.
    cur.execute(
        """
        CREATE VIEW comment_labels_effective AS
        SELECT c.id AS comment_id,
               COALESCE(lc.label, a.label) AS label,
               a.label AS machine_label,
               lc.label IS NOT NULL AS corrected
        FROM comments c
        LEFT JOIN comment_analysis a ON a.comment_id = c.id
        LEFT JOIN comment_label_corrections lc ON lc.comment_id = c.id
        """
    )
    cur.execute(
        """
        CREATE VIEW comment_themes_effective AS
        SELECT t.comment_id, t.theme_id, t.evidence, t.label, FALSE AS added_by_person
        FROM comment_themes t
        WHERE NOT EXISTS (
            SELECT 1 FROM comment_theme_corrections r
            WHERE r.comment_id = t.comment_id AND r.theme_id = t.theme_id AND r.action = 'remove'
        )
        UNION ALL
        SELECT a.comment_id, a.theme_id, '' AS evidence, NULL AS label, TRUE AS added_by_person
        FROM comment_theme_corrections a
        WHERE a.action = 'add' AND NOT EXISTS (
            SELECT 1 FROM comment_themes t
            WHERE t.comment_id = a.comment_id AND t.theme_id = a.theme_id
        )
        """
    )


def _m003_reflections_lessons_audit(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE reflections_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE reflections (
            id INTEGER PRIMARY KEY DEFAULT nextval('reflections_id_seq'),
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            author VARCHAR NOT NULL,
            template VARCHAR NOT NULL CHECK (template IN ('aar', 'gibbs', 'rolfe')),
            status VARCHAR NOT NULL CHECK (status IN ('draft', 'final')),
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            UNIQUE (session_id, author)
        )
        """
    )
    cur.execute("CREATE SEQUENCE reflection_answers_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE reflection_answers (
            id INTEGER PRIMARY KEY DEFAULT nextval('reflection_answers_id_seq'),
            reflection_id INTEGER NOT NULL REFERENCES reflections (id),
            prompt VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            label VARCHAR,
            score DOUBLE,
            mixed BOOLEAN,
            drivers VARCHAR NOT NULL DEFAULT '',
            themes VARCHAR NOT NULL DEFAULT '',
            UNIQUE (reflection_id, prompt)
        )
        """
    )
    # The two session columns carry no REFERENCES: DuckDB rewrites an UPDATE of a
    # foreign-key column as delete-and-insert, which the lesson's own children
    # (themes, evidence) would then block. lessons.register checks them instead.
    cur.execute("CREATE SEQUENCE lessons_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE lessons (
            id INTEGER PRIMARY KEY DEFAULT nextval('lessons_id_seq'),
            title VARCHAR NOT NULL,
            what_happened VARCHAR NOT NULL DEFAULT '',
            effect VARCHAR NOT NULL DEFAULT '',
            cause VARCHAR NOT NULL DEFAULT '',
            lesson VARCHAR NOT NULL DEFAULT '',
            recommendation VARCHAR NOT NULL DEFAULT '',
            polarity VARCHAR NOT NULL CHECK (polarity IN ('sustain', 'improve')),
            scope VARCHAR NOT NULL CHECK (scope IN ('session', 'programme', 'organisation')),
            priority VARCHAR NOT NULL CHECK (priority IN ('low', 'medium', 'high')),
            action VARCHAR NOT NULL DEFAULT '',
            owner VARCHAR NOT NULL DEFAULT '',
            due_date DATE,
            status VARCHAR NOT NULL CHECK (status IN ('observed', 'identified', 'actioned',
                'embedded', 'validated', 'archived', 'rejected')),
            applied_session_id INTEGER,
            effectiveness_evidence VARCHAR NOT NULL DEFAULT '',
            rejection_reason VARCHAR NOT NULL DEFAULT '',
            source_session_id INTEGER,
            logged_at TIMESTAMP NOT NULL,
            logged_by VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE lesson_themes (
            lesson_id INTEGER NOT NULL REFERENCES lessons (id),
            theme_id VARCHAR NOT NULL,
            PRIMARY KEY (lesson_id, theme_id)
        )
        """
    )
    cur.execute("CREATE SEQUENCE lesson_evidence_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE lesson_evidence (
            id INTEGER PRIMARY KEY DEFAULT nextval('lesson_evidence_id_seq'),
            lesson_id INTEGER NOT NULL REFERENCES lessons (id),
            comment_id INTEGER REFERENCES comments (id),
            reflection_answer_id INTEGER REFERENCES reflection_answers (id),
            note VARCHAR NOT NULL DEFAULT '',
            added_at TIMESTAMP NOT NULL,
            added_by VARCHAR NOT NULL,
            CHECK (comment_id IS NOT NULL OR reflection_answer_id IS NOT NULL OR note <> '')
        )
        """
    )
    # Append-only: who changed what and when, with why. Nothing updates or deletes here.
    cur.execute("CREATE SEQUENCE audit_log_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY DEFAULT nextval('audit_log_id_seq'),
            changed_at TIMESTAMP NOT NULL,
            actor VARCHAR NOT NULL,
            entity VARCHAR NOT NULL,
            entity_id VARCHAR NOT NULL,
            action VARCHAR NOT NULL,
            detail VARCHAR NOT NULL DEFAULT ''
        )
        """
    )
    cur.execute("CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id)")


def _m004_plans(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE plans_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE plans (
            id INTEGER PRIMARY KEY DEFAULT nextval('plans_id_seq'),
            session_id INTEGER NOT NULL UNIQUE,
            notes VARCHAR NOT NULL DEFAULT '',
            created_by VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE plan_lessons (
            plan_id INTEGER NOT NULL REFERENCES plans (id),
            lesson_id INTEGER NOT NULL REFERENCES lessons (id),
            PRIMARY KEY (plan_id, lesson_id)
        )
        """
    )
    cur.execute("CREATE SEQUENCE plan_checklist_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE plan_checklist (
            id INTEGER PRIMARY KEY DEFAULT nextval('plan_checklist_id_seq'),
            plan_id INTEGER NOT NULL REFERENCES plans (id),
            lesson_id INTEGER,
            position INTEGER NOT NULL,
            text VARCHAR NOT NULL,
            done BOOLEAN NOT NULL DEFAULT FALSE,
            done_at TIMESTAMP,
            done_by VARCHAR NOT NULL DEFAULT ''
        )
        """
    )
    # When each person last looked at the home page, for "new feedback since your last visit".
    cur.execute(
        """
        CREATE TABLE user_visits (
            user_name VARCHAR PRIMARY KEY,
            last_seen_at TIMESTAMP NOT NULL
        )
        """
    )


def _m005_comment_themes_session(cur: Cursor) -> None:
    # The session of each analysed and tagged comment, beside its analysis: the trends then
    # group millions of rows by session without joining every comment to its analysis
    # (30-50% faster at a million responses).
    for table in ("comment_analysis", "comment_themes"):
        cur.execute(f"ALTER TABLE {table} ADD COLUMN session_id INTEGER")
        cur.execute(
            f"UPDATE {table} SET session_id = m.session_id FROM comments m"
            f" WHERE m.id = {table}.comment_id"
        )


def _m006_audit_status_columns(cur: Cursor) -> None:
    # A lifecycle move keeps the status it left and the one it reached in columns of their
    # own, so that charts read them instead of parsing the free-text detail. Past rows are
    # filled in once from that detail ("Actioned → Embedded (applied in …)": each label is
    # its code capitalised); a lesson's 'created' row enters the lifecycle at 'observed'.
    cur.execute("ALTER TABLE audit_log ADD COLUMN from_status VARCHAR")
    cur.execute("ALTER TABLE audit_log ADD COLUMN to_status VARCHAR")
    move = "'^([A-Za-z]+) → ([A-Za-z]+)'"
    cur.execute(
        f"UPDATE audit_log SET from_status = lower(regexp_extract(detail, {move}, 1)),"
        f" to_status = lower(regexp_extract(detail, {move}, 2))"
        " WHERE entity = 'lesson' AND action = 'status'"
    )
    cur.execute(
        "UPDATE audit_log SET to_status = 'observed' WHERE entity = 'lesson' AND action = 'created'"
    )


# The tables 007 rebuilds, children first (the order they are dropped in), each with its
# new definition and how its rows are carried over from the copy `keep_<table>`.
_M007_TABLES: list[tuple[str, str, str]] = [
    (
        "lesson_evidence",
        """
        CREATE TABLE lesson_evidence (
            id INTEGER PRIMARY KEY DEFAULT nextval('lesson_evidence_id_seq'),
            lesson_id INTEGER NOT NULL REFERENCES lessons (id),
            comment_id INTEGER,
            reflection_answer_id INTEGER REFERENCES reflection_answers (id),
            note VARCHAR NOT NULL DEFAULT '',
            added_at TIMESTAMP NOT NULL,
            added_by VARCHAR NOT NULL,
            CHECK (comment_id IS NOT NULL OR reflection_answer_id IS NOT NULL OR note <> '')
        )
        """,
        "SELECT id, lesson_id, comment_id, reflection_answer_id, note, added_at, added_by",
    ),
    (
        "comment_theme_corrections",
        """
        CREATE TABLE comment_theme_corrections (
            comment_id INTEGER NOT NULL,
            theme_id VARCHAR NOT NULL,
            action VARCHAR NOT NULL CHECK (action IN ('add', 'remove')),
            corrected_by VARCHAR NOT NULL DEFAULT '',
            corrected_at TIMESTAMP NOT NULL,
            PRIMARY KEY (comment_id, theme_id)
        )
        """,
        "SELECT comment_id, theme_id, action, corrected_by, corrected_at",
    ),
    (
        "comment_label_corrections",
        """
        CREATE TABLE comment_label_corrections (
            comment_id INTEGER PRIMARY KEY,
            label VARCHAR NOT NULL CHECK (label IN ('positive', 'neutral', 'negative')),
            corrected_by VARCHAR NOT NULL DEFAULT '',
            corrected_at TIMESTAMP NOT NULL
        )
        """,
        "SELECT comment_id, label, corrected_by, corrected_at",
    ),
    (
        "comment_themes",
        """
        CREATE TABLE comment_themes (
            comment_id INTEGER NOT NULL,
            theme_id VARCHAR NOT NULL,
            evidence VARCHAR NOT NULL,
            label VARCHAR NOT NULL,
            score DOUBLE NOT NULL,
            session_id INTEGER,
            PRIMARY KEY (comment_id, theme_id)
        )
        """,
        "SELECT comment_id, theme_id, evidence, label, score, session_id",
    ),
    (
        "comment_analysis",
        """
        CREATE TABLE comment_analysis (
            comment_id INTEGER PRIMARY KEY,
            label VARCHAR NOT NULL CHECK (label IN ('positive', 'neutral', 'negative')),
            score DOUBLE NOT NULL,
            mixed BOOLEAN NOT NULL,
            drivers VARCHAR NOT NULL,
            analyser_version VARCHAR NOT NULL,
            analysed_at TIMESTAMP NOT NULL,
            session_id INTEGER
        )
        """,
        # A comment analysed as it arrived was analysed at the moment it was sent.
        "SELECT comment_id, label, score, mixed, drivers, analyser_version,"
        " date_trunc('day', analysed_at), session_id",
    ),
    (
        "comments",
        """
        CREATE TABLE comments (
            id INTEGER PRIMARY KEY DEFAULT nextval('comments_id_seq'),
            response_id INTEGER NOT NULL,
            session_id INTEGER NOT NULL,
            question VARCHAR NOT NULL CHECK (question IN ('went_well', 'to_change', 'help_next')),
            text VARCHAR NOT NULL,
            created_on DATE NOT NULL
        )
        """,
        "SELECT id, response_id, session_id, question, text, CAST(created_at AS DATE)",
    ),
    (
        "responses",
        """
        CREATE TABLE responses (
            id INTEGER PRIMARY KEY DEFAULT nextval('responses_id_seq'),
            session_id INTEGER NOT NULL,
            idempotency_key VARCHAR NOT NULL UNIQUE,
            submitted_on DATE NOT NULL,
            overall_rating INTEGER NOT NULL CHECK (overall_rating BETWEEN 1 AND 5),
            usefulness INTEGER CHECK (usefulness BETWEEN 1 AND 5),
            confidence_before INTEGER CHECK (confidence_before BETWEEN 1 AND 5),
            confidence_after INTEGER CHECK (confidence_after BETWEEN 1 AND 5),
            balance VARCHAR CHECK (balance IN ('more_why', 'about_right', 'more_how')),
            length VARCHAR CHECK (length IN ('too_short', 'about_right', 'too_long')),
            councillor_type VARCHAR
                CHECK (councillor_type IN ('sceptic', 'cautious', 'evangelist', 'next_generation')),
            contact_opt_in BOOLEAN NOT NULL DEFAULT FALSE,
            contact_name VARCHAR,
            contact_detail VARCHAR
        )
        """,
        "SELECT id, session_id, idempotency_key, CAST(submitted_at AS DATE), overall_rating,"
        " usefulness, confidence_before, confidence_after, balance, length, councillor_type,"
        " contact_opt_in, contact_name, contact_detail",
    ),
]


def _m007_privacy(cur: Cursor) -> None:
    # Responses keep the date they were sent, not the time: with times to the second,
    # answers could be matched to the person seen leaving first. Comments' dates likewise,
    # and an analysis made as a comment arrived keeps only that day.
    #
    # The tables holding attendees' answers lose their foreign keys at the same time:
    # DuckDB checks a foreign key against rows deleted earlier in the same transaction, so
    # with them an erasure (a response, its comments, their analyses and the lessons'
    # links to them) could not be all-or-nothing. lessons.privacy and the write doors
    # check what the keys checked. DuckDB cannot alter a column other tables depend on,
    # so each table is copied aside, dropped (children first), made again and refilled; the
    # views over them (comment_*_effective) read the new tables by name.
    for table, _, _ in _M007_TABLES:
        cur.execute(f"CREATE TABLE keep_{table} AS SELECT * FROM {table}")
        cur.execute(f"DROP TABLE {table}")
    # "New feedback since your last visit" counts from the last response seen, not a time.
    cur.execute("ALTER TABLE user_visits ADD COLUMN last_response_id INTEGER")
    cur.execute(
        "UPDATE user_visits SET last_response_id = (SELECT max(id) FROM keep_responses r"
        " WHERE r.submitted_at <= user_visits.last_seen_at)"
    )
    for table, create, carried in reversed(_M007_TABLES):
        cur.execute(create)
        cur.execute(f"INSERT INTO {table} {carried} FROM keep_{table}")
        cur.execute(f"DROP TABLE keep_{table}")
    cur.execute("CREATE INDEX responses_session_idx ON responses (session_id)")
    cur.execute("CREATE INDEX comments_session_idx ON comments (session_id)")
    cur.execute("CREATE INDEX comments_response_idx ON comments (response_id)")
    cur.execute("CREATE INDEX comment_themes_theme_idx ON comment_themes (theme_id)")
    cur.execute("CREATE INDEX lesson_evidence_comment_idx ON lesson_evidence (comment_id)")
    # The council's own settings (the privacy notice's details, the retention period, ...).
    cur.execute(
        """
        CREATE TABLE app_settings (
            key VARCHAR PRIMARY KEY,
            value VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            updated_by VARCHAR NOT NULL
        )
        """
    )


def _m008_accounts(cur: Cursor) -> None:
    # Staff accounts. Emails match whatever their case (email_key is the lower-cased
    # address). No table points at accounts with REFERENCES: DuckDB would then refuse to
    # update an account's indexed columns, and a deactivated account keeps its history.
    cur.execute("CREATE SEQUENCE accounts_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE accounts (
            id INTEGER PRIMARY KEY DEFAULT nextval('accounts_id_seq'),
            email VARCHAR NOT NULL,
            email_key VARCHAR NOT NULL UNIQUE,
            display_name VARCHAR NOT NULL,
            role VARCHAR NOT NULL CHECK (role IN ('facilitator', 'lead', 'admin')),
            active BOOLEAN NOT NULL DEFAULT TRUE,
            password_hash VARCHAR,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL
        )
        """
    )
    # A browser signed in with a password: a one-time ticket, exchanged for the cookie's
    # token; only their SHA-256 digests are kept. Ending the row signs the browser out.
    cur.execute("CREATE SEQUENCE account_sessions_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE account_sessions (
            id INTEGER PRIMARY KEY DEFAULT nextval('account_sessions_id_seq'),
            account_id INTEGER NOT NULL,
            ticket_digest VARCHAR,
            ticket_expires_at TIMESTAMP,
            token_digest VARCHAR,
            created_at TIMESTAMP NOT NULL,
            expires_at TIMESTAMP NOT NULL,
            ended_at TIMESTAMP
        )
        """
    )
    # Every sign-in, failed or not (never a password). `email` is what was typed, kept only
    # when it looks like an address; `email_key` is what throttling counts by.
    cur.execute("CREATE SEQUENCE sign_in_events_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE sign_in_events (
            id INTEGER PRIMARY KEY DEFAULT nextval('sign_in_events_id_seq'),
            attempted_at TIMESTAMP NOT NULL,
            method VARCHAR NOT NULL CHECK (method IN ('password', 'sso')),
            email VARCHAR NOT NULL DEFAULT '',
            email_key VARCHAR NOT NULL DEFAULT '',
            account_id INTEGER,
            address VARCHAR,
            succeeded BOOLEAN NOT NULL,
            reason VARCHAR NOT NULL DEFAULT ''
        )
        """
    )
    cur.execute("CREATE INDEX sign_in_events_at_idx ON sign_in_events (attempted_at)")
    # Home's "new since your last visit", per account, counted from the newest response
    # there was then (responses keep no time of day; see 007). user_visits, by typed name,
    # stays as it was and is no longer read.
    cur.execute(
        "CREATE TABLE account_visits ("
        " account_id INTEGER PRIMARY KEY, last_seen_at TIMESTAMP NOT NULL,"
        " last_response_id INTEGER NOT NULL DEFAULT 0)"
    )
    # Council settings (the demo flag among them) go in 007's app_settings, which gains the
    # account beside `updated_by` like every other recorded name.
    _record_accounts_beside_names(cur)
    _rebuild_reflections_without_unique_author(cur)


# Each column that names who did something gains <column>_account_id (the account; NULL for
# changes made without one) and <column>_typed (TRUE: a name typed before accounts existed,
# shown as typed). Blank names and 'unknown' (what was recorded when no name was given) were
# never typed. The literal is spelt out: a shipped migration must not change with the code.
_NAMED = {
    "audit_log": "actor",
    "lessons": "logged_by",
    "plans": "created_by",
    "plan_checklist": "done_by",
    "comment_label_corrections": "corrected_by",
    "comment_theme_corrections": "corrected_by",
    "app_settings": "updated_by",
}


def _record_accounts_beside_names(cur: Cursor) -> None:
    for table, column in _NAMED.items():
        cur.execute(f"ALTER TABLE {table} ADD COLUMN {column}_account_id INTEGER")
        cur.execute(f"ALTER TABLE {table} ADD COLUMN {column}_typed BOOLEAN DEFAULT FALSE")
        cur.execute(f"UPDATE {table} SET {column}_typed = ({column} NOT IN ('', 'unknown'))")


def _rebuild_reflections_without_unique_author(cur: Cursor) -> None:
    """A reflection now belongs to an account, and a lead may hand it to another; migration
    003's UNIQUE (session_id, author) would stop that (DuckDB can neither drop a constraint
    nor update a constrained column that other rows reference). So the reflection tables,
    and the evidence that points into them, are rebuilt as they were, less that constraint
    and plus the author's account; every row and id is kept. The evidence keeps 007's
    shape: no foreign key to comments (an erasure deletes both in one transaction)."""
    for table in ("reflections", "reflection_answers", "lesson_evidence"):
        cur.execute(f"CREATE TEMP TABLE {table}_before_008 AS SELECT * FROM {table}")
    for table in ("lesson_evidence", "reflection_answers", "reflections"):
        cur.execute(f"DROP TABLE {table}")
    cur.execute(
        """
        CREATE TABLE reflections (
            id INTEGER PRIMARY KEY DEFAULT nextval('reflections_id_seq'),
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            author VARCHAR NOT NULL,
            author_account_id INTEGER,
            author_typed BOOLEAN DEFAULT FALSE,
            template VARCHAR NOT NULL CHECK (template IN ('aar', 'gibbs', 'rolfe')),
            status VARCHAR NOT NULL CHECK (status IN ('draft', 'final')),
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE reflection_answers (
            id INTEGER PRIMARY KEY DEFAULT nextval('reflection_answers_id_seq'),
            reflection_id INTEGER NOT NULL REFERENCES reflections (id),
            prompt VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            label VARCHAR,
            score DOUBLE,
            mixed BOOLEAN,
            drivers VARCHAR NOT NULL DEFAULT '',
            themes VARCHAR NOT NULL DEFAULT '',
            UNIQUE (reflection_id, prompt)
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE lesson_evidence (
            id INTEGER PRIMARY KEY DEFAULT nextval('lesson_evidence_id_seq'),
            lesson_id INTEGER NOT NULL REFERENCES lessons (id),
            comment_id INTEGER,
            reflection_answer_id INTEGER REFERENCES reflection_answers (id),
            note VARCHAR NOT NULL DEFAULT '',
            added_at TIMESTAMP NOT NULL,
            added_by VARCHAR NOT NULL,
            added_by_account_id INTEGER,
            added_by_typed BOOLEAN DEFAULT FALSE,
            CHECK (comment_id IS NOT NULL OR reflection_answer_id IS NOT NULL OR note <> '')
        )
        """
    )
    cur.execute(
        "INSERT INTO reflections (id, session_id, author, author_typed, template, status,"
        " created_at, updated_at) SELECT id, session_id, author, author NOT IN ('', 'unknown'),"
        " template, status, created_at, updated_at FROM reflections_before_008"
    )
    cur.execute(
        "INSERT INTO reflection_answers (id, reflection_id, prompt, text, label, score, mixed,"
        " drivers, themes) SELECT id, reflection_id, prompt, text, label, score, mixed,"
        " drivers, themes FROM reflection_answers_before_008"
    )
    cur.execute(
        "INSERT INTO lesson_evidence (id, lesson_id, comment_id, reflection_answer_id, note,"
        " added_at, added_by, added_by_typed) SELECT id, lesson_id, comment_id,"
        " reflection_answer_id, note, added_at, added_by, added_by NOT IN ('', 'unknown')"
        " FROM lesson_evidence_before_008"
    )
    for table in ("reflections", "reflection_answers", "lesson_evidence"):
        cur.execute(f"DROP TABLE {table}_before_008")
    cur.execute("CREATE INDEX lesson_evidence_comment_idx ON lesson_evidence (comment_id)")


def _m009_feedback_form(cur: Cursor) -> None:
    # The attendee form in English and Welsh, and when it takes answers. A session has the
    # language its form opens in and, optionally, the moment its form closes (NULL: 14 days
    # after it ends). A response and its comments keep the language they were written in:
    # Welsh comments are kept as written and not scored by the English analysis.
    cur.execute("ALTER TABLE sessions ADD COLUMN language VARCHAR DEFAULT 'en'")
    cur.execute("UPDATE sessions SET language = 'en'")
    cur.execute("ALTER TABLE sessions ADD COLUMN feedback_closes_at TIMESTAMP")
    for table in ("responses", "comments"):
        cur.execute(f"ALTER TABLE {table} ADD COLUMN language VARCHAR DEFAULT 'en'")
        cur.execute(f"UPDATE {table} SET language = 'en'")


def _m010_requests_reviews_learning(cur: Cursor) -> None:
    # Issue 14. A request (asks for a change or an addition) is a reading of its own, beside
    # the sentiment: the machine's, with the clauses that ask (one per line), and people's
    # corrections of it, kept apart like the others. Analyses made before this migration
    # did not look for requests: they are marked out of date, so the next re-analysis
    # reads them again.
    cur.execute("ALTER TABLE comment_analysis ADD COLUMN request BOOLEAN DEFAULT FALSE")
    cur.execute("ALTER TABLE comment_analysis ADD COLUMN asks VARCHAR DEFAULT ''")
    cur.execute("UPDATE comment_analysis SET analyser_version = analyser_version || '-pre010'")
    cur.execute(
        """
        CREATE TABLE comment_request_corrections (
            comment_id INTEGER PRIMARY KEY,
            request BOOLEAN NOT NULL,
            corrected_by VARCHAR NOT NULL DEFAULT '',
            corrected_by_account_id INTEGER,
            corrected_by_typed BOOLEAN NOT NULL DEFAULT FALSE,
            corrected_at TIMESTAMP NOT NULL
        )
        """
    )
    # A person who saved a comment's readings, changed or not, reviewed them: an unchanged
    # save confirms the machine's reading, and teaches the learned layer as a correction does.
    cur.execute(
        """
        CREATE TABLE comment_reviews (
            comment_id INTEGER PRIMARY KEY,
            reviewed_by VARCHAR NOT NULL DEFAULT '',
            reviewed_by_account_id INTEGER,
            reviewed_by_typed BOOLEAN NOT NULL DEFAULT FALSE,
            reviewed_at TIMESTAMP NOT NULL
        )
        """
    )
    # The learned layer of this database (lessons.learned), newest version last: its bytes
    # (JSON and numpy arrays, no pickle) and the fingerprint of the corrections it learnt from.
    cur.execute(
        """
        CREATE TABLE learned_models (
            version INTEGER PRIMARY KEY,
            trained_at TIMESTAMP NOT NULL,
            fingerprint VARCHAR NOT NULL,
            examples INTEGER NOT NULL,
            model BLOB NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE VIEW comment_requests_effective AS
        SELECT c.id AS comment_id,
               COALESCE(rc.request, a.request, FALSE) AS request,
               COALESCE(a.request, FALSE) AS machine_request,
               rc.request IS NOT NULL AS corrected,
               COALESCE(a.asks, '') AS asks
        FROM comments c
        LEFT JOIN comment_analysis a ON a.comment_id = c.id
        LEFT JOIN comment_request_corrections rc ON rc.comment_id = c.id
        """
    )
    # A corrected sentiment re-reads its themes' tone: when the answer was not mixed, its
    # themes took their tone from the whole answer, so they take the person's label (as
    # lessons.analysis.relabel does); a mixed answer's themes keep their own clauses' tone.
    # A theme a person added takes the answer's label, whoever set it.
    cur.execute(
        """
        CREATE OR REPLACE VIEW comment_themes_effective AS
        SELECT t.comment_id, t.theme_id, t.evidence,
               CASE WHEN lc.label IS NOT NULL AND NOT COALESCE(a.mixed, FALSE) THEN lc.label
                    ELSE t.label END AS label,
               FALSE AS added_by_person
        FROM comment_themes t
        LEFT JOIN comment_label_corrections lc ON lc.comment_id = t.comment_id
        LEFT JOIN comment_analysis a ON a.comment_id = t.comment_id
        WHERE NOT EXISTS (
            SELECT 1 FROM comment_theme_corrections r
            WHERE r.comment_id = t.comment_id AND r.theme_id = t.theme_id AND r.action = 'remove'
        )
        UNION ALL
        SELECT r.comment_id, r.theme_id, '' AS evidence, COALESCE(lc.label, a.label) AS label,
               TRUE AS added_by_person
        FROM comment_theme_corrections r
        LEFT JOIN comment_label_corrections lc ON lc.comment_id = r.comment_id
        LEFT JOIN comment_analysis a ON a.comment_id = r.comment_id
        WHERE r.action = 'add' AND NOT EXISTS (
            SELECT 1 FROM comment_themes t
            WHERE t.comment_id = r.comment_id AND t.theme_id = r.theme_id
        )
        """
    )


def _m012_followups(cur: Cursor) -> None:
    """The follow-up weeks after a session (issue 16): when it opens (weeks after the
    session, set on the session), its own link and code, and its answers.

    A follow-up answer takes its id from the day's responses' sequence, so the comments it
    leaves (what got in the way, what help next) sit in `comments` beside the day's and are
    analysed, corrected and promoted like them, and a comment's `response_id` names a day's
    response or a follow-up answer, never both. `comments` is rebuilt to let its question be
    one of the follow-up's (DuckDB cannot alter a CHECK); no table points at it."""
    cur.execute(
        f"ALTER TABLE sessions ADD COLUMN followup_weeks INTEGER DEFAULT {FOLLOWUP_WEEKS_DEFAULT}"
    )
    cur.execute("UPDATE sessions SET followup_weeks = ?", [FOLLOWUP_WEEKS_DEFAULT])
    cur.execute(
        """
        CREATE TABLE followup_links (
            session_id INTEGER PRIMARY KEY,
            token VARCHAR NOT NULL UNIQUE,
            code VARCHAR NOT NULL UNIQUE
        )
        """
    )
    taken = {row[0] for row in cur.execute("SELECT short_code FROM sessions").fetchall()}
    for (session_id,) in cur.execute("SELECT id FROM sessions ORDER BY id").fetchall():
        code = ""
        while not code or code in taken:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken.add(code)
        cur.execute(
            "INSERT INTO followup_links (session_id, token, code) VALUES (?, ?, ?)",
            [session_id, secrets.token_urlsafe(TOKEN_BYTES), code],
        )
    cur.execute(
        """
        CREATE TABLE followup_responses (
            id INTEGER PRIMARY KEY DEFAULT nextval('responses_id_seq'),
            session_id INTEGER NOT NULL,
            idempotency_key VARCHAR NOT NULL UNIQUE,
            submitted_on DATE NOT NULL,
            frequency VARCHAR CHECK (frequency IN ('weekly', 'monthly', 'once', 'not_yet')),
            confidence_now INTEGER CHECK (confidence_now BETWEEN 1 AND 5),
            language VARCHAR NOT NULL DEFAULT 'en'
        )
        """
    )
    cur.execute("CREATE INDEX followup_responses_session_idx ON followup_responses (session_id)")
    # What each answer ticked: the things done since and what got in the way.
    cur.execute(
        """
        CREATE TABLE followup_choices (
            followup_id INTEGER NOT NULL,
            kind VARCHAR NOT NULL CHECK (kind IN ('action', 'barrier')),
            choice VARCHAR NOT NULL,
            PRIMARY KEY (followup_id, kind, choice)
        )
        """
    )
    cur.execute("CREATE TABLE keep_comments AS SELECT * FROM comments")
    cur.execute("DROP TABLE comments")
    cur.execute(
        """
        CREATE TABLE comments (
            id INTEGER PRIMARY KEY DEFAULT nextval('comments_id_seq'),
            response_id INTEGER NOT NULL,
            session_id INTEGER NOT NULL,
            question VARCHAR NOT NULL CHECK (question IN
                ('went_well', 'to_change', 'help_next', 'fu_barriers', 'fu_help_next')),
            text VARCHAR NOT NULL,
            created_on DATE NOT NULL,
            language VARCHAR DEFAULT 'en'
        )
        """
    )
    cur.execute(
        "INSERT INTO comments (id, response_id, session_id, question, text, created_on, language)"
        " SELECT id, response_id, session_id, question, text, created_on, language"
        " FROM keep_comments"
    )
    cur.execute("DROP TABLE keep_comments")
    cur.execute("CREATE INDEX comments_session_idx ON comments (session_id)")
    cur.execute("CREATE INDEX comments_response_idx ON comments (response_id)")


def _m013_backups(cur: Cursor) -> None:
    """The record of backups: one row per backup taken, or tried and failed (issue 17)."""
    cur.execute("CREATE SEQUENCE backups_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE backups (
            id INTEGER PRIMARY KEY DEFAULT nextval('backups_id_seq'),
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP NOT NULL,
            trigger VARCHAR NOT NULL CHECK (trigger IN ('scheduled', 'on demand')),
            requested_by VARCHAR NOT NULL,
            file VARCHAR NOT NULL,
            size_bytes BIGINT NOT NULL DEFAULT 0,
            tables INTEGER NOT NULL DEFAULT 0,
            rows BIGINT NOT NULL DEFAULT 0,
            checked BOOLEAN NOT NULL DEFAULT FALSE,
            error VARCHAR NOT NULL DEFAULT ''
        )
        """
    )


def _m011_imports(cur: Cursor) -> None:
    """Feedback from elsewhere (issue 13): where each response came from (none: the online
    form), each import made, and each imported row's file and key, so a file imported twice
    stores nothing the second time."""
    cur.execute(
        """
        CREATE TABLE response_sources (
            response_id INTEGER PRIMARY KEY,
            source VARCHAR NOT NULL CHECK (source IN
                ('online', 'paper', 'microsoft_forms', 'google_forms', 'csv')),
            import_id INTEGER,
            entered_by INTEGER,
            entered_by_name VARCHAR NOT NULL DEFAULT ''
        )
        """
    )
    cur.execute("CREATE SEQUENCE imports_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY DEFAULT nextval('imports_id_seq'),
            file_name VARCHAR NOT NULL,
            file_hash VARCHAR NOT NULL,
            layout VARCHAR NOT NULL,
            imported_at TIMESTAMP NOT NULL,
            imported_by INTEGER,
            imported_by_name VARCHAR NOT NULL,
            rows_read INTEGER NOT NULL,
            rows_stored INTEGER NOT NULL,
            rows_refused INTEGER NOT NULL,
            duplicates INTEGER NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE import_rows (
            file_hash VARCHAR NOT NULL,
            row_key VARCHAR NOT NULL,
            content_key VARCHAR NOT NULL,
            import_id INTEGER NOT NULL,
            response_id INTEGER NOT NULL,
            PRIMARY KEY (file_hash, row_key)
        )
        """
    )
    cur.execute("CREATE INDEX import_rows_content_idx ON import_rows (content_key)")


def _m014_form_submissions(cur: Cursor) -> None:
    """One row per create form's one-time token (issue 15): a second click of the same
    form's button finds what the first made instead of making it again."""
    cur.execute(
        """
        CREATE TABLE form_submissions (
            token VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL,
            made_id INTEGER NOT NULL,
            submitted_at TIMESTAMP NOT NULL
        )
        """
    )


def _m016_followup_analyses_apart(cur: Cursor) -> None:
    """Each analysis and theme of a comment says whether the comment is a follow-up's (weeks
    after the session) rather than the day's: the trends count the day's comments only, and
    read that here without joining millions of analyses to their comments (as the session's
    id beside them, migration 005)."""
    followup = ", ".join(f"'{question}'" for question in FOLLOWUP_QUESTIONS)
    for table in ("comment_analysis", "comment_themes"):
        cur.execute(f"ALTER TABLE {table} ADD COLUMN followup BOOLEAN DEFAULT FALSE")
        cur.execute(
            f"UPDATE {table} SET followup = TRUE FROM comments m"
            f" WHERE m.id = {table}.comment_id AND m.question IN ({followup})"
        )


MIGRATIONS: list[tuple[str, Callable[[Cursor], None]]] = [
    ("001_sessions_and_feedback", _m001_sessions_and_feedback),
    ("002_comment_analysis", _m002_comment_analysis),
    ("003_reflections_lessons_audit", _m003_reflections_lessons_audit),
    ("004_plans", _m004_plans),
    ("005_comment_themes_session", _m005_comment_themes_session),
    ("006_audit_status_columns", _m006_audit_status_columns),
    ("007_privacy", _m007_privacy),
    ("008_accounts", _m008_accounts),
    ("009_feedback_form", _m009_feedback_form),
    ("010_requests_reviews_learning", _m010_requests_reviews_learning),
    ("011_imports", _m011_imports),
    ("012_followups", _m012_followups),
    ("013_backups", _m013_backups),
    ("014_form_submissions", _m014_form_submissions),
    ("016_followup_analyses_apart", _m016_followup_analyses_apart),
]


def migrate(database: Database) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied."""
    with database.transaction() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
        )
    with database.reading() as cur:
        done = {row[0] for row in cur.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for name, apply in MIGRATIONS:
        if name in done:
            continue
        with database.transaction() as cur:
            apply(cur)
            cur.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                [name, now_local()],
            )
        applied.append(name)
    return applied


def applied_migrations(cur: Cursor) -> list[str]:
    rows = cur.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
    return [row[0] for row in rows]
