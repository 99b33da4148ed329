"""Facilitators' reflections on a session, on a chosen template; drafts finished later.

Each answer is analysed like an attendee comment (sentiment, drivers, themes),
read as the kind of question its prompt asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lessons import store, tagging
from lessons.analysis import analyse
from lessons.auth import Actor, may
from lessons.clock import now_local
from lessons.errors import NotAllowed, ValidationError
from lessons.themes import ThemeMatcher
from lessons.typed_text import clean_fields

MAX_REFLECTION_ANSWER_CHARS = 5000  # each answer of a facilitator's reflection


@dataclass(frozen=True)
class Prompt:
    key: str
    label: str
    help: str
    question_kind: str  # how the analysis reads the answer


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    summary: str
    prompts: tuple[Prompt, ...]


TEMPLATES: dict[str, Template] = {
    "aar": Template(
        "aar",
        "After Action Review",
        "The Army's five questions: compare what was planned with what happened.",
        (
            Prompt(
                "planned",
                "What was planned?",
                "The aims, the running order, the split of why and how.",
                "general",
            ),
            Prompt(
                "happened",
                "What actually happened?",
                "Facts first: timings, turnout, what went off plan.",
                "general",
            ),
            Prompt("why_different", "Why was there a difference?", "Causes, not blame.", "general"),
            Prompt(
                "sustain",
                "What should we sustain?",
                "What worked and should happen again.",
                "went_well",
            ),
            Prompt(
                "improve",
                "What should we improve?",
                "What to do differently next time.",
                "to_change",
            ),
        ),
    ),
    "gibbs": Template(
        "gibbs",
        "Gibbs reflective cycle",
        "Six stages from what happened to an action plan.",
        (
            Prompt("description", "Description", "What happened?", "general"),
            Prompt("feelings", "Feelings", "What were you thinking and feeling?", "general"),
            Prompt(
                "evaluation", "Evaluation", "What was good and bad about the experience?", "general"
            ),
            Prompt("analysis", "Analysis", "What sense can you make of it?", "general"),
            Prompt("conclusion", "Conclusion", "What else could you have done?", "to_change"),
            Prompt(
                "action_plan", "Action plan", "If it arose again, what would you do?", "to_change"
            ),
        ),
    ),
    "rolfe": Template(
        "rolfe",
        "Rolfe: What? So what? Now what?",
        "Three quick questions, for a short reflection.",
        (
            Prompt("what", "What?", "What happened, and what was my part in it?", "general"),
            Prompt(
                "so_what",
                "So what?",
                "What does it tell me about the session and the group?",
                "general",
            ),
            Prompt(
                "now_what",
                "Now what?",
                "What will I do differently, and what will I keep?",
                "to_change",
            ),
        ),
    ),
}


def own_reflection(
    reflections: Sequence[store.ReflectionRow], author: Actor
) -> store.ReflectionRow | None:
    """This person's reflection among a session's: the one their account wrote (or was
    handed)."""
    if author.account_id is None:
        return None
    return next((r for r in reflections if r.author_account_id == author.account_id), None)


def prompt_label(template: str, prompt: str) -> str:
    for candidate in TEMPLATES[template].prompts if template in TEMPLATES else ():
        if candidate.key == prompt:
            return candidate.label
    return prompt


NEEDS_ACCOUNT = (
    "Sign in with your own account to write a reflection: it is one facilitator's view, and"
    " only its author may change it."
)


def reflection_errors(
    author: Actor, template: str, answers: dict[str, str], final: bool
) -> dict[str, str]:
    """Every problem with a reflection, by field. A draft may be partly blank; finishing it
    needs at least one answer."""
    errors: dict[str, str] = {}
    if author.account_id is None:
        errors["author"] = NEEDS_ACCOUNT
    if template not in TEMPLATES:
        errors["template"] = "Choose After Action Review, Gibbs or Rolfe."
        return errors
    known = {p.key for p in TEMPLATES[template].prompts}
    for key, text in answers.items():
        if key not in known:
            errors[key] = f"'{key}' is not a question of this template."
        elif len(text) > MAX_REFLECTION_ANSWER_CHARS:
            errors[key] = (
                f"Shorten this answer to {MAX_REFLECTION_ANSWER_CHARS:,} characters or fewer."
            )
    if final and not any(text.strip() for text in answers.values()):
        errors["answers"] = "Answer at least one question before finishing the reflection."
    return errors


def save_reflection_in(
    cur: store.Cursor,
    session_id: int,
    author: Actor,
    template: str,
    answers: dict[str, str],
    final: bool,
    now: datetime,
    matcher: ThemeMatcher | None = None,
) -> tuple[int, dict[str, int]]:
    """Save (or update) the author's own reflection on a session inside the caller's
    transaction, each answer analysed as its prompt's kind of question; return its id and
    its answers' ids by prompt. A person only ever writes to the reflection their account
    holds: others' can be read, never overwritten. Answers keep their ids across edits, so
    lessons that cite them stay linked."""
    answers = clean_fields(answers)
    errors = reflection_errors(author, template, answers, final)
    if errors:
        raise ValidationError(errors)
    if store.session_title_and_status(cur, session_id) is None:
        raise ValidationError({"session": "That session no longer exists."})
    matcher = matcher or tagging.current_matcher(cur)
    kinds = {p.key: p.question_kind for p in TEMPLATES[template].prompts}
    status = "final" if final else "draft"
    assert author.account_id is not None  # reflection_errors saw to it
    reflection_id = store.reflection_id_for(cur, session_id, author.account_id)
    new = reflection_id is None
    if reflection_id is None:
        reflection_id = store.insert_reflection(cur, session_id, author, template, status, now)
    else:
        store.update_reflection(cur, reflection_id, template, status, now)
    saved = []
    for key, text in answers.items():
        analysis = analyse(text.strip(), kinds[key], matcher) if text.strip() else None
        saved.append(
            store.ReflectionAnswerValues(
                prompt=key,
                text=text.strip(),
                label=analysis.label if analysis else None,
                score=analysis.score if analysis else None,
                mixed=analysis.mixed if analysis else False,
                drivers=analysis.drivers if analysis else (),
                themes=[t.theme_id for t in analysis.themes] if analysis else (),
            )
        )
    return reflection_id, store.save_reflection_answers(cur, reflection_id, saved, new=new)


def save_reflection(
    database: store.Database,
    session_id: int,
    author: Actor,
    template: str,
    answers: dict[str, str],
    final: bool,
    now: datetime | None = None,
) -> int:
    """Save (or update) one facilitator's reflection on a session; return its id."""
    with database.transaction() as cur:
        reflection_id, _ = save_reflection_in(
            cur, session_id, author, template, answers, final, now or now_local()
        )
    return reflection_id


def reassign_reflection(
    database: store.Database,
    reflection_id: int,
    to: store.AccountRow,
    actor: Actor,
    now: datetime | None = None,
) -> None:
    """Hand a reflection to another person (a programme lead's job: e.g. one written under
    the wrong account, or a typed name from before accounts). Audited; its answers, and
    the lessons citing them, stay as they are."""
    if not may(actor.role, "lead"):
        raise NotAllowed({"author": "Only a programme lead may hand a reflection to someone."})
    if not to.active:
        raise ValidationError({"author": f"{to.display_name}'s account is deactivated."})
    when = now or now_local()
    with database.transaction() as cur:
        owner = store.reflection_owner(cur, reflection_id)
        if owner is None:
            raise ValidationError({"reflection": "That reflection no longer exists."})
        session_id, author_account_id, author = owner
        if author_account_id == to.id:
            return
        if store.reflection_id_for(cur, session_id, to.id) is not None:
            raise ValidationError(
                {"author": f"{to.display_name} already has a reflection on this session."}
            )
        store.set_reflection_author(cur, reflection_id, to.actor(), when)
        store.append_audit(
            cur,
            actor,
            "reflection",
            reflection_id,
            "reassigned",
            f"{author} → {to.display_name}",
            when,
        )
