"""The learned layer of one database: taught by people's corrections and confirmations,
stored in the database, retrained in the background when they change.

* `examples(database)` turns every comment people reviewed (saved its readings,
  changed or not) or corrected into a `learned.Example`: a review stands behind
  its sentiment, request and themes; a lone correction only behind what it
  corrected.
* `retrain(database)` trains a new version when the examples or the taxonomy
  changed since the stored one (`learned_models`), and stores it; then
  `tagging.reanalyse` reads every comment again with it (a new version makes the
  stored analyses out of date), so its suggestions and their evidence ("learnt
  from 14 corrections like this one") reach every page.
* `learn_in_background(database)` does both on a thread of its own, one run at a
  time per database (a change during a run starts one more after it), so no
  page ever waits for it.
* `create_theme_from_examples` makes a theme with no terms at all: the comments
  people picked are its examples, and the learned layer tags others like them.
"""

from __future__ import annotations

import atexit
import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from lessons import store, tagging
from lessons.analysis import analyse
from lessons.auth import UNATTRIBUTED, Actor
from lessons.choices import QUESTION_KIND
from lessons.clock import now_local
from lessons.errors import ValidationError
from lessons.learned import Example, train
from lessons.themes import ThemeDefinition, compile_themes, match_key, normalise, tokenise

# A theme known from examples alone needs at least this many of them.
MIN_THEME_EXAMPLES = 3
# ...and is learnt against at most this many other comments, with the themes they have.
OTHER_COMMENTS = 400


def _example(row: store.ReviewedComment) -> Example:
    return Example(
        text=row.text,
        question_kind=QUESTION_KIND.get(row.question, "general"),
        sentiment=row.label,
        request=row.request,
        themes=row.themes,
        ref=str(row.comment_id),
    )


def examples(
    cur: store.Cursor, definitions: Sequence[ThemeDefinition]
) -> tuple[list[Example], int]:
    """What the learned layer learns from, and how many of those are people's (the rest,
    for a theme known from examples alone, are other comments as they are tagged, so that
    the theme is learnt against comments it is not)."""
    reviewed = [_example(row) for row in store.reviewed_comments(cur)]
    by_example = {d.id for d in definitions if not d.include_terms and not d.phrases}
    if not by_example:
        return reviewed, len(reviewed)
    # A comment sharing a word with such a theme's examples may be about it: it is left out,
    # so that the theme is never learnt against the very comments it should find.
    their_words = {
        word
        for e in reviewed
        if e.themes and by_example & set(e.themes)
        for word in _content_words(e.text)
    }
    others = [
        Example(row.text, QUESTION_KIND.get(row.question, "general"), themes=row.themes)
        for row in store.unreviewed_comments(cur, OTHER_COMMENTS)
        if not their_words & _content_words(row.text)
    ]
    return reviewed + others, len(reviewed)


def _content_words(text: str) -> set[str]:
    return {
        match_key(token)
        for token in tokenise(normalise(text))
        if len(token) > 2 and token not in tagging.COMMON_WORDS
    }


def fingerprint(found: Sequence[Example], definitions: Sequence[ThemeDefinition]) -> str:
    """Changes whenever what the layer would learn changes: the examples or the taxonomy."""
    digest = hashlib.sha256()
    for d in definitions:
        digest.update(tagging.definition_hash(d).encode())
    for e in found:
        themes = ",".join(e.themes) if e.themes is not None else "-"
        digest.update(f"\n{e.ref}|{e.question_kind}|{e.sentiment}|{e.request}|{themes}|".encode())
        digest.update(hashlib.sha256(e.text.encode()).digest())
    return digest.hexdigest()[:24]


@dataclass(frozen=True)
class Retrained:
    version: int
    examples: int  # people's corrections and confirmations it learnt from


def retrain(database: store.Database, now: datetime | None = None) -> Retrained | None:
    """Train and store a new version of the learned layer when what it learns from has
    changed since the stored one (None when nothing changed or no one reviewed anything)."""
    with database.reading() as cur:
        definitions = tagging.active_definitions(cur)
        found, people = examples(cur, definitions)
        stored = store.latest_learned_model(cur)
    if not people and stored is None:
        return None
    mark = fingerprint(found, definitions)
    if stored is not None and stored.fingerprint == mark:
        return None
    matcher = compile_themes(definitions)
    model = train(found, definitions, analyse_rules=lambda t, k: analyse(t, k, matcher))
    with database.transaction() as cur:
        version = store.save_learned_model(cur, model.to_bytes(), mark, people, now or now_local())
    return Retrained(version, people)


# --- in the background ------------------------------------------------------------------


@dataclass
class _Runner:
    thread: threading.Thread | None = None
    again: bool = False
    last_error: str = ""


_runners: dict[int, _Runner] = {}
_runners_lock = threading.Lock()


def learn_in_background(
    database: store.Database,
    then: Callable[[Retrained | None], None] | None = None,
    catch_up: bool = False,
) -> threading.Thread:
    """Retrain (when anything changed) and re-analyse on a thread of its own; return that
    thread. A call while a run is going asks for one more run after it. `catch_up`
    re-analyses whatever is out of date even when the layer did not change (comments
    that arrived since, analyses by older rules)."""
    with _runners_lock:
        runner = _runners.setdefault(id(database), _Runner())
        if runner.thread is not None and runner.thread.is_alive():
            runner.again = True
            return runner.thread

        def run() -> None:
            while True:
                try:
                    result = retrain(database)
                    if result is not None or catch_up:
                        tagging.reanalyse(database, workers=1)
                    runner.last_error = ""
                    if then is not None:
                        then(result)
                except Exception as error:  # noqa: BLE001 - kept for the status line
                    runner.last_error = f"{type(error).__name__}: {error}"
                with _runners_lock:
                    if not runner.again:
                        runner.thread = None
                        return
                    runner.again = False

        runner.thread = threading.Thread(target=run, name="lessons-learning", daemon=True)
        runner.thread.start()
        return runner.thread


# On the way out, a run still going is given this long to finish its work in the database.
EXIT_WAIT_SECONDS = 20.0


def _wait_at_exit() -> None:
    with _runners_lock:
        threads = [r.thread for r in _runners.values() if r.thread is not None]
    for thread in threads:
        if thread.is_alive():
            thread.join(timeout=EXIT_WAIT_SECONDS)


atexit.register(_wait_at_exit)


@dataclass(frozen=True)
class LearningStatus:
    version: int | None
    trained_at: datetime | None
    examples: int
    running: bool
    error: str


def status(database: store.Database) -> LearningStatus:
    with database.reading() as cur:
        stored = store.latest_learned_model(cur)
    with _runners_lock:
        runner = _runners.get(id(database))
        running = bool(runner and runner.thread and runner.thread.is_alive())
        error = runner.last_error if runner else ""
    if stored is None:
        return LearningStatus(None, None, 0, running, error)
    return LearningStatus(stored.version, stored.trained_at, stored.examples, running, error)


# --- a theme from examples alone ----------------------------------------------------------


def create_theme_from_examples(
    database: store.Database,
    theme_id: str,
    name: str,
    description: str,
    comment_ids: Sequence[int],
    actor: Actor = UNATTRIBUTED,
) -> None:
    """A theme with no terms, known from the comments people picked as its examples: each
    is tagged with it (a person's addition), and the learned layer learns it from them
    (the caller then starts `learn_in_background`)."""
    chosen = sorted(set(comment_ids))
    if len(chosen) < MIN_THEME_EXAMPLES:
        raise ValidationError(
            {"examples": f"Pick at least {MIN_THEME_EXAMPLES} comments the theme is about."}
        )
    with database.reading() as cur:
        known = {cid for cid, _, _ in store.comment_texts_by_ids(cur, chosen)}
    if len(known) != len(chosen):
        raise ValidationError({"examples": "Some of those comments no longer exist."})
    theme = store.ThemeRow(theme_id.strip(), name, description, (), (), (), 0, False)
    tagging.save_theme(
        database,
        theme,
        is_new=True,
        actor=actor,
        detail=f"Added the theme '{name.strip()}', learnt from {len(chosen)} example comments",
        from_examples=True,
    )
    when = now_local()
    with database.transaction() as cur:
        for comment_id in chosen:
            store.set_theme_correction(cur, comment_id, theme.id, "add", actor, when)


def catch_up_in_background(database: store.Database) -> threading.Thread | None:
    """When the app opens its database: bring analyses that are out of date (older rules,
    a newer learned layer, comments that arrived since) up to date in the background."""
    with database.reading() as cur:
        _model, version = tagging.current_model(cur)
        stale = store.comment_ids_needing_analysis(cur, version)
    return learn_in_background(database, catch_up=True) if stale else None
