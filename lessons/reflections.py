"""Facilitators' reflections on a session, on a chosen template; drafts finished later.

Each answer is analysed like an attendee comment (sentiment, drivers, themes),
read as the kind of question its prompt asks.
"""

from __future__ import annotations

from dataclasses import dataclass

from lessons import store, tagging
from lessons.analysis import analyse
from lessons.clock import now_local
from lessons.errors import ValidationError

MAX_ANSWER_CHARS = 5000


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


def prompt_label(template: str, prompt: str) -> str:
    for candidate in TEMPLATES[template].prompts if template in TEMPLATES else ():
        if candidate.key == prompt:
            return candidate.label
    return prompt


def save_reflection(
    database: store.Database,
    session_id: int,
    author: str,
    template: str,
    answers: dict[str, str],
    final: bool,
) -> int:
    """Save (or update) one facilitator's reflection on a session; return its id.

    A draft may be partly blank; finishing it needs at least one answer. Answers
    keep their ids across edits, so lessons that cite them stay linked.
    """
    errors: dict[str, str] = {}
    if not author.strip():
        errors["author"] = "Say who you are: a reflection is one facilitator's view."
    elif len(author) > 100:
        errors["author"] = "Shorten the name to 100 characters or fewer."
    if template not in TEMPLATES:
        errors["template"] = "Choose After Action Review, Gibbs or Rolfe."
    else:
        known = {p.key for p in TEMPLATES[template].prompts}
        for key, text in answers.items():
            if key not in known:
                errors[key] = f"'{key}' is not a question of this template."
            elif len(text) > MAX_ANSWER_CHARS:
                errors[key] = f"Shorten this answer to {MAX_ANSWER_CHARS:,} characters or fewer."
        if final and not any(text.strip() for text in answers.values()):
            errors["answers"] = "Answer at least one question before finishing the reflection."
    if errors:
        raise ValidationError(errors)
    kinds = {p.key: p.question_kind for p in TEMPLATES[template].prompts}
    with database.reading() as cur:
        if store.session_by_id(cur, session_id) is None:
            raise ValidationError({"session": "That session no longer exists."})
        matcher = tagging.current_matcher(cur)
    analysed = {
        key: analyse(text.strip(), kinds[key], matcher)
        for key, text in answers.items()
        if text.strip()
    }
    now = now_local()
    status = "final" if final else "draft"
    with database.transaction() as cur:
        reflection_id = store.reflection_id_for(cur, session_id, author.strip())
        if reflection_id is None:
            reflection_id = store.insert_reflection(
                cur, session_id, author.strip(), template, status, now
            )
        else:
            store.update_reflection(cur, reflection_id, template, status, now)
        for key, text in answers.items():
            analysis = analysed.get(key)
            store.save_reflection_answer(
                cur,
                reflection_id,
                key,
                text.strip(),
                analysis.label if analysis else None,
                analysis.score if analysis else None,
                analysis.mixed if analysis else False,
                analysis.drivers if analysis else (),
                [t.theme_id for t in analysis.themes] if analysis else (),
            )
    return reflection_id
