"""Comment analysis in the database: the theme taxonomy, analysis on save, incremental
re-analysis after a taxonomy edit, human corrections and emerging phrases.

The analysis itself (lessons.analysis, lessons.themes) is pure; this module
decides what to analyse and stores the results. Corrections are stored apart
and read through the *_effective views, so re-analysis never overwrites them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from lessons import store
from lessons.analysis import ANALYSER_VERSION, Analysis, analyse
from lessons.auth import UNATTRIBUTED, Actor
from lessons.choices import MOMENT_QUESTIONS, QUESTION_KIND
from lessons.clock import now_local
from lessons.errors import ValidationError
from lessons.learned import LearnedModel, analyse_many_with
from lessons.themes import (
    DEFAULT_THEMES,
    ThemeDefinition,
    ThemeMatcher,
    compile_themes,
    match_themes,
)
from lessons.typed_text import clean_dataclass

LABELS = ("positive", "neutral", "negative")
MAX_TERMS_PER_THEME = 300
MAX_TERM_CHARS = 60
THEME_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


# --- the taxonomy -----------------------------------------------------------------------


def definition(theme: store.ThemeRow) -> ThemeDefinition:
    return ThemeDefinition(
        id=theme.id,
        name=theme.name,
        description=theme.description,
        include_terms=theme.include_terms,
        phrases=theme.phrases,
        exclude_terms=theme.exclude_terms,
    )


def definition_hash(theme: ThemeDefinition) -> str:
    """Changes whenever anything that affects matching changes."""
    parts = [theme.id, *theme.include_terms, "|", *theme.phrases, "|", *theme.exclude_terms]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def active_definitions(cur: store.Cursor) -> tuple[ThemeDefinition, ...]:
    return tuple(definition(t) for t in store.all_themes(cur, include_retired=False))


@lru_cache(maxsize=8)
def _matcher_for(definitions: tuple[ThemeDefinition, ...]) -> ThemeMatcher:
    # Compiling stems every term; the same taxonomy serves thousands of comments.
    return compile_themes(definitions)


def current_matcher(cur: store.Cursor) -> ThemeMatcher:
    return _matcher_for(active_definitions(cur))


def seed_default_themes(database: store.Database, now: datetime | None = None) -> bool:
    """Seed the default taxonomy into an empty themes table; True when it seeded.

    Themes are retired, never deleted, so an empty table means a new database.
    """
    with database.transaction() as cur:
        if store.count_rows(cur, "themes"):
            return False
        # Nothing has been analysed yet, so the analyses "reflect" the defaults.
        store.replace_analysed_theme_hashes(cur, {t.id: definition_hash(t) for t in DEFAULT_THEMES})
        for position, theme in enumerate(DEFAULT_THEMES, start=1):
            store.save_theme(
                cur,
                store.ThemeRow(
                    id=theme.id,
                    name=theme.name,
                    description=theme.description,
                    include_terms=theme.include_terms,
                    phrases=theme.phrases,
                    exclude_terms=theme.exclude_terms,
                    position=position,
                    retired=False,
                ),
                now or now_local(),
            )
    return True


def split_terms(text: str) -> tuple[str, ...]:
    """Terms typed one per line or separated by commas; duplicates dropped, order kept."""
    seen: dict[str, None] = {}
    for term in re.split(r"[\n,]", text):
        cleaned = " ".join(term.strip().lower().split())
        if cleaned:
            seen.setdefault(cleaned, None)
    return tuple(seen)


def list_themes(database: store.Database, include_retired: bool = False) -> list[store.ThemeRow]:
    with database.reading() as cur:
        return store.all_themes(cur, include_retired=include_retired)


def blank_theme() -> store.ThemeRow:
    """A new theme, before anything is typed into it."""
    return store.ThemeRow(
        id="", name="", description="", include_terms=(), phrases=(), exclude_terms=(),
        position=0, retired=False,
    )  # fmt: skip


def theme_from_form(
    current: store.ThemeRow,
    theme_id: str,
    name: str,
    description: str,
    terms: str,
    phrases: str,
    exclusions: str,
    retired: bool,
) -> store.ThemeRow:
    """A theme as typed on the Settings page: ids are lower case; terms, phrases and
    exclusions one per line (or separated by commas)."""
    return store.ThemeRow(
        id=theme_id.strip().lower(),
        name=name,
        description=description,
        include_terms=split_terms(terms),
        phrases=split_terms(phrases),
        exclude_terms=split_terms(exclusions),
        position=current.position,
        retired=retired,
    )


def validate_theme(
    theme: store.ThemeRow, existing_ids: Iterable[str], is_new: bool, from_examples: bool = False
) -> dict[str, str]:
    """What is wrong with a theme, by field. A theme `from_examples` may have no terms: the
    learned layer knows it from the comments people tagged with it."""
    errors: dict[str, str] = {}
    if is_new:
        if not THEME_ID_RE.match(theme.id):
            errors["id"] = (
                "Use 2-31 lower-case letters, digits or underscores, starting with a letter"
                " (e.g. 'accessibility')."
            )
        elif theme.id in set(existing_ids):
            errors["id"] = f"A theme with the id '{theme.id}' already exists: choose another."
    if not theme.name.strip():
        errors["name"] = "Give the theme a name people will recognise."
    elif len(theme.name) > 60:
        errors["name"] = "Shorten the name to 60 characters or fewer."
    if len(theme.description) > 500:
        errors["description"] = "Shorten the description to 500 characters or fewer."
    if not theme.include_terms and not theme.phrases and not from_examples:
        errors["include_terms"] = "Add at least one term or phrase, or the theme can never match."
    for field_name in ("include_terms", "phrases", "exclude_terms"):
        terms = getattr(theme, field_name)
        if len(terms) > MAX_TERMS_PER_THEME:
            errors[field_name] = f"At most {MAX_TERMS_PER_THEME} entries."
        too_long = [t for t in terms if len(t) > MAX_TERM_CHARS]
        if too_long:
            errors[field_name] = (
                f"'{too_long[0][:30]}…' is too long:"
                f" keep each entry under {MAX_TERM_CHARS} characters."
            )
    return errors


# What a person can change in a theme, as the audit trail names it.
THEME_FIELDS = ("name", "description", "include_terms", "phrases", "exclude_terms", "retired")


def save_theme(
    database: store.Database,
    theme: store.ThemeRow,
    is_new: bool,
    actor: Actor = UNATTRIBUTED,
    now: datetime | None = None,
    detail: str = "",
    from_examples: bool = False,
    action: str = "edited",
) -> None:
    """Check and save a theme, recording who changed what in the audit trail (`detail`
    describes the change instead of naming the fields); the caller then runs `reanalyse`
    to bring tags up to date. A theme `from_examples` may have no terms."""
    when = now or now_local()
    theme = clean_dataclass(theme)
    with database.transaction() as cur:
        themes = {t.id: t for t in store.all_themes(cur)}
        was_from_examples = theme.id in themes and not (
            themes[theme.id].include_terms or themes[theme.id].phrases
        )
        errors = validate_theme(theme, themes, is_new, from_examples or was_from_examples)
        if errors:
            raise ValidationError(errors)
        before = themes.get(theme.id)
        saved = replace(
            theme,
            name=theme.name.strip(),
            description=theme.description.strip(),
            position=store.next_theme_position(cur) if before is None else theme.position,
        )
        store.save_theme(cur, saved, when)
        if before is None:
            action, text = "created", detail or f"Added the theme '{saved.name}'"
            store.append_audit(cur, actor, "theme", saved.id, action, text, when)
            return
        else:
            changed = [
                name for name in THEME_FIELDS if getattr(before, name) != getattr(saved, name)
            ]
            if not changed:
                return
            text = detail or "Changed " + ", ".join(changed)
        store.append_audit(cur, actor, "theme", saved.id, action, text, when)


def add_term_to_theme(
    database: store.Database, theme_id: str, phrase: str, actor: Actor = UNATTRIBUTED
) -> None:
    """Add an emerging phrase to a theme (as a phrase if several words, else a term); the
    theme's history records it as an addition that can be undone (`undo_term`)."""
    theme = _theme(database, theme_id)
    cleaned = _cleaned_term(phrase)
    if not cleaned:
        raise ValidationError({"theme": "Give a word or a phrase to add."})
    if " " in cleaned:
        theme = _replace(theme, phrases=tuple(dict.fromkeys((*theme.phrases, cleaned))))
        detail = f"Added the phrase '{cleaned}'"
    else:
        theme = _replace(theme, include_terms=tuple(dict.fromkeys((*theme.include_terms, cleaned))))
        detail = f"Added the term '{cleaned}'"
    save_theme(database, theme, is_new=False, actor=actor, detail=detail, action=TERM_ADDED)


# The audit action of a term added from the emerging phrases, and of its undoing.
TERM_ADDED = "term_added"
TERM_UNDONE = "term_undone"
_ADDED_RE = re.compile(r"^Added the (?:term|phrase) '(.+)'$")


def _theme(database: store.Database, theme_id: str) -> store.ThemeRow:
    with database.reading() as cur:
        themes = {t.id: t for t in store.all_themes(cur)}
    if theme_id not in themes:
        raise ValidationError({"theme": "That theme no longer exists."})
    return themes[theme_id]


def _cleaned_term(phrase: str) -> str:
    return " ".join(phrase.lower().split())


@dataclass(frozen=True)
class ThemeChange:
    """One line of a theme's history; `undo_term` is the term or phrase an undo would take
    out again (an addition from the emerging phrases whose term the theme still has)."""

    entry: store.AuditEntry
    undo_term: str | None


def theme_history(database: store.Database, theme_id: str) -> list[ThemeChange]:
    """The theme's history, newest first."""
    with database.reading() as cur:
        entries = store.audit_for(cur, "theme", theme_id)
        themes = {t.id: t for t in store.all_themes(cur)}
    theme = themes.get(theme_id)
    held = set(theme.include_terms) | set(theme.phrases) if theme else set()
    changes = []
    for entry in reversed(entries):
        added = _ADDED_RE.match(entry.detail) if entry.action == TERM_ADDED else None
        term = added.group(1) if added and added.group(1) in held else None
        changes.append(ThemeChange(entry, term))
        held.discard(term or "")  # an older addition of the same term is not undone twice
    return changes


def undo_term(
    database: store.Database, theme_id: str, term: str, actor: Actor = UNATTRIBUTED
) -> None:
    """Take a term or phrase added from the emerging phrases out of the theme again; the
    caller then re-analyses (only the comments it tagged change)."""
    theme = _theme(database, theme_id)
    cleaned = _cleaned_term(term)
    if cleaned not in theme.include_terms and cleaned not in theme.phrases:
        raise ValidationError({"theme": f"'{cleaned}' is no longer in this theme."})
    theme = _replace(
        theme,
        include_terms=tuple(t for t in theme.include_terms if t != cleaned),
        phrases=tuple(p for p in theme.phrases if p != cleaned),
    )
    kind = "phrase" if " " in cleaned else "term"
    save_theme(
        database,
        theme,
        is_new=False,
        actor=actor,
        detail=f"Undid adding the {kind} '{cleaned}'",
        from_examples=True,  # taking out its last term leaves it to its examples
        action=TERM_UNDONE,
    )


@dataclass(frozen=True)
class TermPreview:
    """What adding a term to a theme would change among the newest stored comments."""

    gained: list[str]  # texts that would be tagged with the theme, newest first
    total_gained: int
    searched: int


def preview_term(
    database: store.Database, theme_id: str, phrase: str, shown: int = 8
) -> TermPreview:
    """Which stored comments a term would newly tag with a theme, before it is saved."""
    theme = _theme(database, theme_id)
    cleaned = _cleaned_term(phrase)
    if " " in cleaned:
        draft = _replace(theme, phrases=(*theme.phrases, cleaned))
    else:
        draft = _replace(theme, include_terms=(*theme.include_terms, cleaned))
    texts = preview_texts(database).stored
    before, after = compile_themes([definition(theme)]), compile_themes([definition(draft)])
    gained = [t for t in reversed(texts) if match_themes(after, t) and not match_themes(before, t)]
    return TermPreview(gained[:shown], len(gained), len(texts))


def _replace(theme: store.ThemeRow, **changes: Any) -> store.ThemeRow:
    return replace(theme, **changes)


# --- analysis on save and re-analysis ----------------------------------------------------


def store_analyses(
    cur: store.Cursor,
    analysed: Sequence[tuple[int, Analysis]],
    now: datetime | None = None,
    version: str | None = None,
) -> None:
    """Save the analyses of many comments ((comment id, analysis) pairs) in one batch;
    `version` names the rules and learned layer that made them (the rules' alone when
    None)."""
    store.save_comment_analyses(
        cur,
        [
            store.CommentAnalysisRow(
                comment_id=comment_id,
                label=analysis.label,
                score=analysis.score,
                mixed=analysis.mixed,
                drivers=analysis.drivers,
                themes=[(t.theme_id, t.evidence, t.label, t.score) for t in analysis.themes],
                request=analysis.request,
                asks=analysis.asks,
            )
            for comment_id, analysis in analysed
        ],
        version or ANALYSER_VERSION,
        now or now_local(),
    )


def current_model(cur: store.Cursor) -> tuple[LearnedModel | None, str]:
    """The learned layer in use (None until people have taught one, or when the stored one
    cannot be read) and the version name its analyses are stored under."""
    stored = store.latest_learned_model(cur)
    if stored is None:
        return None, ANALYSER_VERSION
    try:
        model = _model_from_bytes(stored.version, stored.model)
    except ValueError:
        return None, ANALYSER_VERSION
    return model, f"{ANALYSER_VERSION}+learned{stored.version}"


@lru_cache(maxsize=2)
def _model_from_bytes(version: int, data: bytes) -> LearnedModel:
    return LearnedModel.from_bytes(data)


def analyse_answer(matcher: ThemeMatcher, question: str, text: str) -> Analysis:
    """One free-text answer, read in the light of the question it answers."""
    return analyse(text, QUESTION_KIND.get(question, "general"), matcher)


# The share of a re-analysis's progress bar that reading the comments takes (saving: the rest).
ANALYSING_SHARE = 0.9


@dataclass(frozen=True)
class ReanalysisReport:
    changed_themes: tuple[str, ...]
    candidates: int
    analysed: int


def reanalyse(
    database: store.Database,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 2,
    batch_size: int = 2000,
    everything: bool = False,
) -> ReanalysisReport:
    """Bring every comment's analysis up to date, touching only what can have changed:
    comments never analysed or analysed by older rules, and — after a taxonomy edit —
    comments tagged with a changed theme or matching its new definition. The stored
    learned layer (when people have taught one) reads after the rules; a new version of
    it makes every analysis out of date. `everything` reads every comment again."""
    with database.reading() as cur:
        model, version = current_model(cur)
        definitions = active_definitions(cur)
        current = {d.id: definition_hash(d) for d in definitions}
        recorded = store.analysed_theme_hashes(cur)
        changed = sorted(
            {tid for tid in current if recorded.get(tid) != current[tid]}
            | {tid for tid in recorded if tid not in current}
        )
        wanted = set(store.comment_ids_needing_analysis(cur, version))
        wanted |= set(store.comment_ids_tagged_with(cur, changed))
        texts = store.comment_texts(cur)
    if everything:
        wanted = {cid for cid, _, _ in texts}
    changed_definitions = [d for d in definitions if d.id in changed]
    if changed_definitions:
        changed_matcher = compile_themes(changed_definitions)
        wanted |= {cid for cid, _, text in texts if match_themes(changed_matcher, text)}
    todo = [(cid, question, text) for cid, question, text in texts if cid in wanted]
    total = len(todo)
    if progress:
        progress(0, total)
    # Each distinct answer is read once ("Nothing" a thousand times is one reading), all on
    # one pool of `workers` processes, then saved in batches.
    items = [(text, QUESTION_KIND.get(question, "general")) for _, question, text in todo]
    distinct = list(dict.fromkeys(items))

    def analysed(done: int, count: int) -> None:
        if progress:
            progress(int(ANALYSING_SHARE * total * done / max(count, 1)), total)

    read = dict(
        zip(
            distinct,
            analyse_many_with(
                model, distinct, themes=definitions, workers=workers, progress=analysed
            ),
            strict=True,
        )
    )
    done = 0
    for start in range(0, total, batch_size):
        batch = todo[start : start + batch_size]
        with database.transaction() as cur:
            store_analyses(
                cur,
                [(cid, read[items[start + i]]) for i, (cid, _, _) in enumerate(batch)],
                version=version,
            )
        done += len(batch)
        if progress:
            progress(int(ANALYSING_SHARE * total + (1 - ANALYSING_SHARE) * done), total)
    with database.transaction() as cur:
        store.replace_analysed_theme_hashes(cur, current)
    return ReanalysisReport(changed_themes=tuple(changed), candidates=total, analysed=done)


# --- corrections ---------------------------------------------------------------------------


def correct_comment(
    database: store.Database,
    comment_id: int,
    label: str | None,
    themes: Sequence[str],
    actor: Actor = UNATTRIBUTED,
    request: bool | None = None,
) -> None:
    """Record what a person (`actor`) says a comment's label, themes and request are.

    `label` None keeps the machine's label, `request` None the machine's reading of
    whether it asks for something. Readings that differ from the machine's are stored
    as corrections; agreeing with the machine clears them. Either way the comment is
    recorded as reviewed: an unchanged save confirms the machine's readings, and the
    learned layer learns from confirmations as from corrections.
    """
    if label is not None and label not in LABELS:
        raise ValidationError({"label": "Choose positive, neutral or negative."})
    with database.reading() as cur:
        if not store.comment_exists(cur, comment_id):
            raise ValidationError({"comment": "That comment no longer exists."})
        known = store.theme_ids(cur)
        [current] = store.analysed_comments(cur, _only(comment_id))
    unknown = [t for t in themes if t not in known]
    if unknown:
        raise ValidationError({"themes": f"Unknown theme: {unknown[0]}."})
    now = now_local()
    machine = set(current.machine_themes)
    wanted = set(themes)
    with database.transaction() as cur:
        machine_label = current.machine_label
        store.set_label_correction(
            cur, comment_id, None if label in (None, machine_label) else label, actor, now
        )
        for theme_id in sorted(machine | wanted | set(current.themes)):
            if theme_id in wanted and theme_id not in machine:
                action: str | None = "add"
            elif theme_id in machine and theme_id not in wanted:
                action = "remove"
            else:
                action = None
            store.set_theme_correction(cur, comment_id, theme_id, action, actor, now)
        store.set_request_correction(
            cur,
            comment_id,
            None if request in (None, current.machine_request) else request,
            actor,
            now,
        )
        store.record_review(cur, comment_id, actor, now)


def _only(comment_id: int) -> store.CommentFilter:
    return store.CommentFilter(limit=1, comment_id=comment_id)


# --- reading the comments ------------------------------------------------------------------


def find_comments(
    database: store.Database,
    session_id: int | None = None,
    theme_id: str | None = None,
    label: str | None = None,
    question: str | None = None,
    text: str = "",
    untagged_only: bool = False,
    limit: int = 2000,
    requests_only: bool = False,
    said: str | None = None,
) -> list[store.AnalysedComment]:
    """Comments as people see them (corrections applied), newest first, filtered; the
    untagged queue ignores the theme; `requests_only` keeps those that ask for something;
    `said` ('day' or 'weeks_on', COMMENT_MOMENTS) keeps the day's or the follow-up's."""
    where = store.CommentFilter(
        session_id=session_id,
        theme_id=None if untagged_only else theme_id,
        label=label,
        question=question,
        questions=MOMENT_QUESTIONS[said] if said else (),
        text=text,
        untagged_only=untagged_only,
        requests_only=requests_only,
        limit=limit,
    )
    with database.reading() as cur:
        return store.analysed_comments(cur, where)


def lessons_supported_by(
    database: store.Database, comment_ids: Sequence[int]
) -> dict[int, list[tuple[int, str, str]]]:
    """For each comment, (id, title, status) of the lessons it is evidence for."""
    with database.reading() as cur:
        return store.lessons_for_comments(cur, comment_ids)


# --- emerging phrases ----------------------------------------------------------------------

_STOPWORDS = frozenset(
    """a about all also am an and any are as at be been but by can could did do does for from
    had has have he her him his how i if in into is it its just me more most my no not of on
    or our out over so some than that the their them then there these they this to too up us
    very was we were what when which who will with would you your it's i'm i'd i've don't
    didn't wasn't really bit lot get got""".split()
)
_WORD_RE = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
# Non-answers ("can't think of anything", "nothing for now", "not sure") are never a
# theme: a phrase that says one, or that comes only from comments that are one, is never
# suggested.
_NON_ANSWER_RE = re.compile(
    r"\b(?:can'?t|cannot|can not|couldn'?t) think\b|\bnothing\b|\bnone\b|\bnot sure\b"
    r"|\bno comments?\b|\bn/?a\b|\bfor now\b|\bat the moment\b|\bat this (?:time|stage)\b"
    r"|\bso far\b|\bas above\b|\bsee above\b|\bnot really\b|\bno idea\b|\bdon'?t know\b"
    r"|\bcome to mind\b|\bsprings? to mind\b|\bnothing else\b|\ball good\b"
)
# Stop phrases: words that say how someone felt or that they were there, never what about.
# A phrase of only these (and filler words) names no theme ("really enjoyed", "thank you",
# "great session", "well done").
_GENERIC_WORDS = frozenset(
    """good great excellent brilliant fantastic amazing awesome fab nice lovely useful helpful
    interesting informative enjoyed enjoy enjoyable liked like love loved thanks thank thankyou
    cheers well done overall everything anything something thing things session sessions day
    today workshop course training event keep think thought felt feel found find made make
    much many lots loads way ok okay fine fun best better worst bad poor less little whole
    first last next one two also always never ever again still even yes sure please else
    improve improved improvement improvements change changes changed add added""".split()
)
# Words that say nothing of what a comment is about.
COMMON_WORDS = _STOPWORDS | _GENERIC_WORDS


@dataclass(frozen=True)
class EmergingPhrase:
    phrase: str
    count: int
    example: str


def emerging_phrases(
    texts: Sequence[str], top: int = 15, min_count: int = 2
) -> list[EmergingPhrase]:
    """Frequent 2-3 word phrases (counted once per comment), ignoring phrases that start
    or end with a filler word, stop phrases (only words like "great session", "really
    enjoyed") and non-answers ("can't think", "nothing for now", and short comments that
    are one); a longer phrase hides the shorter ones it contains when it is nearly as
    frequent."""
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for text in texts:
        if _is_non_answer(text):
            continue
        words = _WORD_RE.findall(text.lower())
        seen: set[str] = set()
        for size in (2, 3):
            for i in range(len(words) - size + 1):
                gram = words[i : i + size]
                if gram[0] in _STOPWORDS or gram[-1] in _STOPWORDS:
                    continue
                if all(w in _GENERIC_WORDS or w in _STOPWORDS for w in gram):
                    continue
                phrase = " ".join(gram)
                if not _NON_ANSWER_RE.search(phrase):
                    seen.add(phrase)
        for phrase in seen:
            counts[phrase] += 1
            examples.setdefault(phrase, text)
    frequent = [(p, c) for p, c in counts.items() if c >= min_count]
    frequent.sort(key=lambda pc: (-pc[1], -len(pc[0].split()), pc[0]))
    kept: list[tuple[str, int]] = []
    for phrase, count in frequent:
        if any(
            f" {phrase} " in f" {longer} " and longer_count >= 0.8 * count
            for longer, longer_count in kept
        ):
            continue
        kept.append((phrase, count))
        if len(kept) == top:
            break
    return [EmergingPhrase(p, c, examples[p]) for p, c in kept]


def _is_non_answer(text: str) -> bool:
    """A comment that says it has nothing to say ("can't think of anything right now")."""
    plain = " ".join(_WORD_RE.findall(text.lower()))
    return len(plain.split()) <= 8 and bool(_NON_ANSWER_RE.search(plain))


def untagged_phrases(database: store.Database, top: int = 15) -> list[EmergingPhrase]:
    """The phrases that recur among the comments no theme tags."""
    with database.reading() as cur:
        texts = store.untagged_comment_texts(cur)
    return emerging_phrases(texts, top=top)


# --- previewing a taxonomy edit ------------------------------------------------------------

SAMPLE_COMMENTS = 10  # shown, and editable, under a theme being edited
PREVIEW_COMMENTS = 5000  # the newest comments a theme edit is tried on


@dataclass(frozen=True)
class PreviewTexts:
    samples: list[str]
    stored: list[str]


def preview_texts(database: store.Database) -> PreviewTexts:
    """What a theme edit is previewed on: a few sample comments, and the newest stored
    comments (each a query with a LIMIT, however many comments there are)."""
    with database.reading() as cur:
        return PreviewTexts(
            store.sample_comment_texts(cur, limit=SAMPLE_COMMENTS),
            store.recent_comment_texts(cur, limit=PREVIEW_COMMENTS),
        )


@dataclass(frozen=True)
class ThemePreview:
    samples: list[tuple[str, tuple[str, ...]]]
    stored_matches: int
    stored_total: int
    stored_matches_before: int


def preview_theme(
    draft: ThemeDefinition,
    samples: Sequence[str],
    stored_texts: Sequence[str],
    before: ThemeDefinition | None = None,
) -> ThemePreview:
    """What a theme definition would tag: the matched words in each sample, and how many
    stored comments it would tag (and, for an edit, how many the saved definition tags)."""
    matcher = compile_themes([draft])
    shown = []
    for text in samples:
        if text.strip():
            found = match_themes(matcher, text)
            shown.append((text, found[0].evidence if found else ()))
    matches = sum(1 for text in stored_texts if match_themes(matcher, text))
    before_matches = 0
    if before is not None:
        before_matcher = compile_themes([before])
        before_matches = sum(1 for text in stored_texts if match_themes(before_matcher, text))
    return ThemePreview(shown, matches, len(stored_texts), before_matches)
