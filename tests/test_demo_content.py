"""The demo programme generator: deterministic, realistic and within the codes."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import random
import statistics
from pathlib import Path

import pytest

from lessons import demo_content
from lessons.choices import (
    BALANCE_CHOICES,
    COUNCILLOR_TYPES,
    LENGTH_CHOICES,
    NEXT_STATUS,
    POLARITIES,
    PRIORITIES,
    SCOPES,
    SESSION_FORMATS,
    SESSION_STATUSES,
    STATUSES,
)
from lessons.demo_content import (
    LESSON_STATUSES,
    REFLECTION_PROMPTS,
    THEME_COVERAGE_HINTS,
    DemoLesson,
    DemoProgramme,
    DemoResponse,
    DemoSession,
    evidence_linked,
    generate_programme,
)
from lessons.reflections import TEMPLATES

TODAY = dt.date(2025, 11, 25)
DEFAULT_THEMES = (
    "pace",
    "hands_on",
    "relevance",
    "risk",
    "tech",
    "facilitation",
    "materials",
    "level",
    "platforms",
    "venue",
    "workload",
)


@pytest.fixture(scope="module")
def programme() -> DemoProgramme:
    return generate_programme(TODAY)


def _responses(programme: DemoProgramme) -> list[DemoResponse]:
    return [r for s in programme.sessions for r in s.responses]


def _texts(programme: DemoProgramme, field: str) -> list[str]:
    return [getattr(r, field) for r in _responses(programme) if getattr(r, field)]


def _delivered(programme: DemoProgramme) -> list[DemoSession]:
    return [s for s in programme.sessions if s.status != "planned"]


def _mentions(texts: list[str], theme: str) -> int:
    hints = THEME_COVERAGE_HINTS[theme]
    return sum(any(h in t.lower() for h in hints) for t in texts)


def _session(programme: DemoProgramme, key: str) -> DemoSession:
    return next(s for s in programme.sessions if s.key == key)


# Determinism and purity -----------------------------------------------------------------


def test_same_today_and_seed_give_identical_output() -> None:
    assert generate_programme(TODAY) == generate_programme(TODAY)
    assert generate_programme(TODAY, seed=7) == generate_programme(TODAY, seed=7)


def test_another_seed_changes_responses_but_not_the_sessions() -> None:
    a, b = generate_programme(TODAY), generate_programme(TODAY, seed=7)
    assert a != b
    assert [s.key for s in a.sessions] == [s.key for s in b.sessions]
    assert [s.starts_at for s in a.sessions] == [s.starts_at for s in b.sessions]


def test_keys_are_stable_slugs_whatever_today_is() -> None:
    keys = [s.key for s in generate_programme(TODAY).sessions]
    assert keys == [s.key for s in generate_programme(dt.date(2031, 3, 2)).sessions]
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert key == key.lower() and " " not in key and key.replace("-", "").isalnum()


def test_does_not_touch_the_global_random_state() -> None:
    random.seed(99)
    state = random.getstate()
    generate_programme(TODAY)
    assert random.getstate() == state


def test_module_imports_no_streamlit_or_database() -> None:
    tree = ast.parse(Path(demo_content.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "datetime", "random", "dataclasses", "lessons"}


def test_dataclasses_are_frozen_and_use_tuples(programme: DemoProgramme) -> None:
    assert isinstance(programme.sessions, tuple)
    session = programme.sessions[0]
    assert isinstance(session.responses, tuple)
    assert isinstance(session.facilitators, tuple)
    assert isinstance(session.councillor_facilitators, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        session.title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        session.responses[0].overall_rating = 1  # type: ignore[misc]


# Size and shape -------------------------------------------------------------------------


def test_counts(programme: DemoProgramme) -> None:
    sessions = programme.sessions
    assert len(sessions) >= 14
    assert len({s.council for s in sessions}) >= 5
    assert len({s.programme for s in sessions}) >= 2
    assert len({s.format for s in sessions}) >= 4
    assert len(_responses(programme)) >= 270


def test_spans_at_least_eighteen_months(programme: DemoProgramme) -> None:
    first = min(s.starts_at.date() for s in programme.sessions)
    assert (TODAY - first).days >= 548


def test_sessions_are_in_date_order(programme: DemoProgramme) -> None:
    starts = [s.starts_at for s in programme.sessions]
    assert starts == sorted(starts)


def test_planned_sessions_are_four_to_eight_weeks_ahead_with_no_responses(
    programme: DemoProgramme,
) -> None:
    planned = [s for s in programme.sessions if s.status == "planned"]
    assert 2 <= len(planned) <= 3
    for session in planned:
        assert 28 <= (session.starts_at.date() - TODAY).days <= 56
        assert session.responses == ()
    for session in _delivered(programme):
        assert session.ends_at.date() < TODAY


def test_two_most_recent_await_post_mortem_older_ones_reviewed(
    programme: DemoProgramme,
) -> None:
    delivered = _delivered(programme)
    assert [s.status for s in delivered[-2:]] == ["delivered", "delivered"]
    older = [s for s in delivered if (TODAY - s.starts_at.date()).days > 21]
    reviewed = [s for s in older if s.status == "reviewed"]
    assert len(reviewed) >= 0.8 * len(older)


def test_response_counts_vary_and_include_a_small_group(programme: DemoProgramme) -> None:
    counts = [len(s.responses) for s in _delivered(programme)]
    assert min(counts) >= 3
    assert max(counts) <= 30
    assert any(n < 5 for n in counts)
    assert len(set(counts)) >= 8
    for session in _delivered(programme):
        assert len(session.responses) <= session.expected_attendees


def test_co_delivered_and_officer_only_sessions(programme: DemoProgramme) -> None:
    sessions = programme.sessions
    assert any(s.councillor_facilitators for s in sessions)
    assert any(not s.councillor_facilitators for s in sessions)
    assert all(s.facilitators for s in sessions)
    assert any(s.online for s in sessions) and any(not s.online for s in sessions)


def test_context_and_hands_on_vary_and_later_sessions_rebalance(
    programme: DemoProgramme,
) -> None:
    long_heavy = [
        s
        for s in programme.sessions
        if s.ends_at - s.starts_at >= dt.timedelta(hours=4)
        and s.context_minutes > s.hands_on_minutes
    ]
    assert long_heavy, "expected a seed-style four-hour session heavy on context"
    delivered = _delivered(programme)
    recent = delivered[len(delivered) // 2 :]
    assert any(s.hands_on_minutes > s.context_minutes for s in recent)


# Values within the codes ----------------------------------------------------------------


def test_session_values_are_valid(programme: DemoProgramme) -> None:
    for session in programme.sessions:
        assert session.format in SESSION_FORMATS
        assert session.status in SESSION_STATUSES
        assert session.ends_at > session.starts_at
        minutes = (session.ends_at - session.starts_at).total_seconds() / 60
        assert session.context_minutes >= 0 and session.hands_on_minutes >= 0
        assert session.context_minutes + session.hands_on_minutes <= minutes
        assert session.expected_attendees > 0
        assert session.title and session.venue and session.council and session.story


def test_response_values_are_valid(programme: DemoProgramme) -> None:
    for session in programme.sessions:
        for r in session.responses:
            assert r.overall_rating in range(1, 6)
            for value in (r.usefulness, r.confidence_before, r.confidence_after):
                assert value is None or value in range(1, 6)
            assert r.balance is None or r.balance in BALANCE_CHOICES
            assert r.length is None or r.length in LENGTH_CHOICES
            assert r.councillor_type is None or r.councillor_type in COUNCILLOR_TYPES
            for text in (r.went_well, r.to_change, r.help_next):
                assert isinstance(text, str) and text == text.strip()
                assert "{" not in text and len(text) < 400


def test_responses_arrive_around_the_end_of_their_session(programme: DemoProgramme) -> None:
    for session in programme.sessions:
        for r in session.responses:
            assert r.submitted_at > session.starts_at
            assert r.submitted_at <= session.ends_at + dt.timedelta(hours=3)
        times = [r.submitted_at for r in session.responses]
        assert times == sorted(times)


def test_contact_details_are_rare_opt_in_and_fictional(programme: DemoProgramme) -> None:
    responses = _responses(programme)
    with_contact = [r for r in responses if r.contact_name or r.contact_detail]
    assert 0 < len(with_contact) <= 0.08 * len(responses)
    for r in with_contact:
        assert r.contact_name
        detail = r.contact_detail
        assert detail is None or "@example." in detail or detail.startswith("07700 900")


def test_all_councillor_types_present_with_some_blanks(programme: DemoProgramme) -> None:
    kinds = [r.councillor_type for r in _responses(programme)]
    assert set(COUNCILLOR_TYPES) <= set(kinds)
    assert kinds.count(None) >= 10


def test_optional_answers_are_sometimes_skipped(programme: DemoProgramme) -> None:
    responses = _responses(programme)
    blank_help = sum(not r.help_next for r in responses)
    assert blank_help >= 0.3 * len(responses)
    assert any(not r.went_well for r in responses)
    assert any(not r.to_change for r in responses)
    assert any(r.usefulness is None for r in responses)
    assert any(r.confidence_before is None for r in responses)


# Comments -------------------------------------------------------------------------------


def test_phrase_banks_are_large() -> None:
    banks = [demo_content._WENT_WELL, demo_content._TO_CHANGE, demo_content._HELP_NEXT]
    banks += list(demo_content._TYPE_BANKS.values())
    fragments = {f for bank in banks for group in bank.values() for f in group}
    assert len(fragments) >= 150


def test_at_least_two_hundred_distinct_comments(programme: DemoProgramme) -> None:
    texts = {
        t for field in ("went_well", "to_change", "help_next") for t in _texts(programme, field)
    }
    assert len(texts) >= 200


def test_comments_read_like_phone_answers(programme: DemoProgramme) -> None:
    texts = [t for f in ("went_well", "to_change", "help_next") for t in _texts(programme, f)]
    assert any(t[0].islower() for t in texts)
    assert any(t.lower() in {"nothing", "n/a"} for t in _texts(programme, "to_change"))
    assert any(t == "More of the same" for t in texts) or any("n/a" in t for t in texts)
    assert statistics.median(len(t) for t in texts) < 80


def test_hints_cover_the_default_taxonomy() -> None:
    assert set(THEME_COVERAGE_HINTS) == set(DEFAULT_THEMES)
    for hints in THEME_COVERAGE_HINTS.values():
        assert hints and all(h == h.lower() for h in hints)


@pytest.mark.parametrize("theme", DEFAULT_THEMES)
def test_every_theme_is_praised_and_criticised(programme: DemoProgramme, theme: str) -> None:
    assert _mentions(_texts(programme, "went_well"), theme) >= 1, "no positive mention"
    assert _mentions(_texts(programme, "to_change"), theme) >= 1, "no negative mention"


def test_councillor_types_colour_the_comments(programme: DemoProgramme) -> None:
    def said(kind: str, phrase: str) -> bool:
        return any(
            phrase in (r.went_well + " " + r.to_change + " " + r.help_next).lower()
            for r in _responses(programme)
            if r.councillor_type == kind
        )

    assert said("sceptic", "convinced") or said("sceptic", "worth")
    assert said("cautious", "abuse") or said("cautious", "troll") or said("cautious", "wrong")
    assert said("evangelist", "advanced") or said("evangelist", "analytics")
    assert any(said("next_generation", w) for w in ("basic", "induction", "already"))


def test_mixed_comments_exist(programme: DemoProgramme) -> None:
    assert any(
        "but" in t.lower() and _mentions([t], "pace") for t in _texts(programme, "went_well")
    )


# The stories drive the data -------------------------------------------------------------


@pytest.mark.parametrize("seed", [2010, 1, 42])
def test_stories_drive_the_numbers(seed: int) -> None:
    programme = generate_programme(TODAY, seed=seed)

    def share(key: str, field: str, value: str) -> float:
        rs = _session(programme, key).responses
        return sum(getattr(r, field) == value for r in rs) / len(rs)

    def mean_rating(key: str) -> float:
        return statistics.mean(r.overall_rating for r in _session(programme, key).responses)

    def tech_complaints(key: str) -> int:
        rs = _session(programme, key).responses
        return _mentions([r.to_change for r in rs], "tech")

    overran, rebalanced = "calderbrook-intro-social-media", "calderbrook-intro-rebalanced"
    wifi, rerun = "haverleigh-getting-started", "haverleigh-getting-started-rerun"

    # The four-hour session: many "too long", wanting more hands-on; fixed later.
    assert share(overran, "length", "too_long") >= 0.4
    assert share(overran, "balance", "more_how") >= 0.3
    assert share(rebalanced, "length", "too_long") < share(overran, "length", "too_long")
    assert mean_rating(rebalanced) > mean_rating(overran)

    # The wifi failure, then "get there early to make sure the technology is working".
    assert tech_complaints(wifi) >= 3
    assert tech_complaints(rerun) == 0
    assert mean_rating(rerun) > mean_rating(wifi)

    # Sceptics demanded to be convinced.
    sceptics = "wharfeside-intro-social-media"
    assert share(sceptics, "balance", "more_why") > share(sceptics, "balance", "more_how")

    # Surgery: praised for practice.
    surgery = _session(programme, "calderbrook-surgery-bring-your-phone")
    assert _mentions([r.went_well for r in surgery.responses], "hands_on") >= 2

    # Online abuse and the pre-election period: risk dominates the comments.
    for key in ("brackenmoor-staying-safe-online", "thornwick-pre-election-briefing"):
        rs = _session(programme, key).responses
        assert _mentions([r.went_well + " " + r.to_change for r in rs], "risk") >= 5


def test_confidence_rises_on_average(programme: DemoProgramme) -> None:
    gains = [
        r.confidence_after - r.confidence_before
        for r in _responses(programme)
        if r.confidence_after is not None and r.confidence_before is not None
    ]
    assert statistics.mean(gains) > 0.4


def test_dates_hold_whatever_today_is() -> None:
    """Midweek, one session a day, none over Christmas, the plan shape kept; all year round."""
    for offset in range(0, 366, 5):
        today = dt.date(2026, 1, 1) + dt.timedelta(days=offset)
        sessions = generate_programme(today).sessions
        days = [s.starts_at.date() for s in sessions]
        assert len(set(days)) == len(days), today
        for day in days:
            assert day.weekday() in (1, 2, 3), today
            assert not (day.month == 12 and day.day >= 20 or day.month == 1 and day.day <= 3)
        planned = [s for s in sessions if s.status == "planned"]
        assert 2 <= len(planned) <= 3
        assert all(28 <= (s.starts_at.date() - today).days <= 56 for s in planned), today
        delivered = [s for s in sessions if s.status != "planned"]
        assert all(s.ends_at.date() < today for s in delivered), today
        assert [s.status for s in delivered[-2:]] == ["delivered", "delivered"]
        assert (today - days[0]).days >= 548


# Reflections and the lessons register: the loop --------------------------------------


def _sentences(text: str) -> int:
    return sum(1 for i, c in enumerate(text) if c in ".!?" and text[i + 1 : i + 2] in ("", " "))


def _lesson(programme: DemoProgramme, key: str) -> DemoLesson:
    return next(lesson for lesson in programme.lessons if lesson.key == key)


def test_prompt_keys_match_the_reflection_templates() -> None:
    assert {
        key: tuple(p.key for p in template.prompts) for key, template in TEMPLATES.items()
    } == REFLECTION_PROMPTS
    assert tuple(STATUSES) == LESSON_STATUSES


def test_reflections_cover_six_delivered_sessions_in_the_facilitators_voices(
    programme: DemoProgramme,
) -> None:
    sessions = {s.key: s for s in programme.sessions}
    reflected = {r.session_key for r in programme.reflections}
    assert len(reflected) >= 6
    pairs = [(r.session_key, r.author) for r in programme.reflections]
    assert len(pairs) == len(set(pairs)), "one reflection per facilitator per session"
    for reflection in programme.reflections:
        session = sessions[reflection.session_key]
        assert session.status != "planned"
        assert reflection.author in session.facilitators + session.councillor_facilitators
        days_after = (reflection.written_at.date() - session.starts_at.date()).days
        assert 1 <= days_after <= 2
        assert session.ends_at < reflection.written_at < dt.datetime.combine(TODAY, dt.time())
    # Several voices where the session had more than one facilitator.
    multi = [
        key
        for key in reflected
        if len(sessions[key].facilitators + sessions[key].councillor_facilitators) > 1
    ]
    several = [key for key in multi if sum(k == key for k, _ in pairs) >= 2]
    assert len(several) >= 6
    assert any(r.author.startswith("Cllr ") for r in programme.reflections)


def test_reflection_answers_fit_their_templates(programme: DemoProgramme) -> None:
    assert {r.template for r in programme.reflections} == {"aar", "gibbs", "rolfe"}
    assert 1 <= sum(r.status == "draft" for r in programme.reflections) <= 2
    for reflection in programme.reflections:
        assert reflection.status in ("draft", "final")
        keys = [key for key, _ in reflection.answers]
        order = list(REFLECTION_PROMPTS[reflection.template])
        assert keys == sorted(keys, key=order.index), "answers in the template's order"
        if reflection.status == "final":
            assert keys == order, "a finished reflection answers every prompt"
        for _, text in reflection.answers:
            assert text == text.strip() and "{" not in text and "  " not in text
            assert 2 <= _sentences(text) <= 5, text


def test_at_least_fifteen_lessons_across_every_status(programme: DemoProgramme) -> None:
    lessons = programme.lessons
    assert len(lessons) >= 15
    statuses = [lesson.status for lesson in lessons]
    assert set(statuses) == set(STATUSES)
    assert statuses.count("validated") >= 3
    assert len({lesson.key for lesson in lessons}) == len(lessons)
    assert [lesson.logged_at for lesson in lessons] == sorted(
        lesson.logged_at for lesson in lessons
    )


def test_lesson_fields_are_within_the_codes(programme: DemoProgramme) -> None:
    for lesson in programme.lessons:
        assert lesson.title and len(lesson.title) <= 150
        for text in (lesson.what_happened, lesson.effect, lesson.cause, lesson.lesson):
            assert text and len(text) <= 4000
        assert lesson.recommendation
        assert lesson.polarity in POLARITIES
        assert lesson.scope in SCOPES
        assert lesson.priority in PRIORITIES
        assert lesson.themes and set(lesson.themes) <= set(DEFAULT_THEMES)
        assert lesson.logged_by
    assert {lesson.polarity for lesson in programme.lessons} == set(POLARITIES)


def _replay(lesson: DemoLesson) -> list[str]:
    """What is wrong with a lesson's history, checked against the lifecycle rules."""
    problems = []
    status = "observed"
    for change in lesson.history:
        legal = [NEXT_STATUS[status]] if status in NEXT_STATUS else []
        if status not in ("archived", "rejected"):
            legal.append("rejected")
        if change.to_status not in legal:
            problems.append(f"{status} → {change.to_status}")
        if change.to_status == "actioned" and not (
            lesson.action and lesson.owner and lesson.due_date
        ):
            problems.append("actioned without action, owner and due date")
        if change.to_status == "embedded" and lesson.applied_session_key is None:
            problems.append("embedded without the session it was applied in")
        if change.to_status == "validated" and not lesson.effectiveness_evidence:
            problems.append("validated without effectiveness evidence")
        if change.to_status == "rejected" and not change.reason:
            problems.append("rejected without a reason")
        status = change.to_status
    if status != lesson.status:
        problems.append(f"history ends at {status}, lesson is {lesson.status}")
    return problems


@pytest.mark.parametrize("today", [TODAY, dt.date(2026, 1, 2), dt.date(2026, 7, 30)])
def test_lesson_histories_follow_the_lifecycle_in_time_order(today: dt.date) -> None:
    programme = generate_programme(today)
    sessions = {s.key: s for s in programme.sessions}
    for lesson in programme.lessons:
        assert _replay(lesson) == [], lesson.key
        times = [lesson.logged_at, *(change.at for change in lesson.history)]
        assert times == sorted(times) and len(set(times)) == len(times), lesson.key
        assert lesson.logged_at > sessions[lesson.source_session_key].ends_at, lesson.key
        assert times[-1] < dt.datetime.combine(today, dt.time()), lesson.key
        assert all(change.actor for change in lesson.history)
        assert lesson.rejection_reason == (
            lesson.history[-1].reason if lesson.status == "rejected" else ""
        )
        reached = {change.to_status for change in lesson.history}
        assert bool(lesson.applied_session_key) == ("embedded" in reached), lesson.key
        assert bool(lesson.effectiveness_evidence) == ("validated" in reached), lesson.key


@pytest.mark.parametrize("today", [TODAY, dt.date(2026, 1, 2), dt.date(2026, 7, 30)])
def test_lessons_are_applied_in_later_sessions(today: dt.date) -> None:
    programme = generate_programme(today)
    sessions = {s.key: s for s in programme.sessions}
    applied = [lesson for lesson in programme.lessons if lesson.applied_session_key]
    assert len(applied) >= 6
    for lesson in applied:
        assert lesson.applied_session_key is not None
        source = sessions[lesson.source_session_key]
        later = sessions[lesson.applied_session_key]
        assert later.status != "planned"
        assert later.starts_at > source.ends_at, lesson.key
        embedded = next(c for c in lesson.history if c.to_status == "embedded")
        assert embedded.at > later.ends_at, lesson.key


@pytest.mark.parametrize("today", [TODAY, dt.date(2026, 1, 2), dt.date(2026, 7, 30)])
def test_overdue_and_upcoming_actions(today: dt.date) -> None:
    programme = generate_programme(today)
    actioned = [lesson for lesson in programme.lessons if lesson.status == "actioned"]
    assert all(lesson.due_date is not None for lesson in actioned)
    overdue = [lesson for lesson in actioned if lesson.due_date and lesson.due_date < today]
    upcoming = [lesson for lesson in actioned if lesson.due_date and lesson.due_date > today]
    assert overdue and len(upcoming) >= 2
    # The upcoming actions feed the planned sessions: due before one of them, on its themes.
    planned = [s for s in programme.sessions if s.status == "planned"]
    for lesson in upcoming:
        assert lesson.due_date is not None
        assert any(lesson.due_date < s.starts_at.date() for s in planned)
    themes = {t for lesson in upcoming for t in lesson.themes}
    assert {"level", "tech"} <= themes


def test_evidence_references_resolve(programme: DemoProgramme) -> None:
    sessions = {s.key: s for s in programme.sessions}
    reflections = {(r.session_key, r.author): dict(r.answers) for r in programme.reflections}
    kinds = set()
    for lesson in programme.lessons:
        assert 1 <= len(lesson.evidence) <= 3, lesson.key
        assert len(set(lesson.evidence)) == len(lesson.evidence), lesson.key
        for evidence in lesson.evidence:
            kinds.add(evidence.kind)
            assert evidence.note.strip()
            session = sessions[evidence.session_key]
            if evidence.kind == "comment":
                assert evidence.response_index is not None and evidence.question is not None
                assert evidence.question in ("went_well", "to_change", "help_next")
                answer = getattr(session.responses[evidence.response_index], evidence.question)
                assert answer.strip(), lesson.key
                assert evidence.reflection_author is None and evidence.prompt is None
            elif evidence.kind == "reflection":
                assert evidence.reflection_author is not None and evidence.prompt is not None
                answers = reflections[(evidence.session_key, evidence.reflection_author)]
                assert answers[evidence.prompt].strip()
                assert evidence.response_index is None and evidence.question is None
            else:
                assert evidence.kind == "note"
            linked_at, linked_by = evidence_linked(programme, lesson, evidence)
            assert linked_by
            assert linked_at >= lesson.logged_at
            assert linked_at >= session.ends_at
            assert linked_at in {lesson.logged_at, *(c.at for c in lesson.history)}
    assert kinds == {"comment", "reflection", "note"}


def test_evidence_comments_say_what_the_lesson_is_about(programme: DemoProgramme) -> None:
    def comments(key: str) -> list[str]:
        lesson = _lesson(programme, key)
        sessions = {s.key: s for s in programme.sessions}
        return [
            getattr(sessions[e.session_key].responses[e.response_index], e.question).lower()
            for e in lesson.evidence
            if e.kind == "comment" and e.question and e.response_index is not None
        ]

    assert any("wifi" in c for c in comments("tech-check-an-hour-early"))
    assert any("overran" in c for c in comments("shorter-sessions-more-hands-on"))
    assert any("room booking" in c for c in comments("check-room-bookings"))
    assert any("written down" in c for c in comments("pre-election-guidance-in-writing"))
    assert any("audio" in c for c in comments("webinar-dry-run"))


def test_validated_lessons_quote_the_figures_the_data_shows(programme: DemoProgramme) -> None:
    def tech_complaints(key: str) -> int:
        return _mentions([r.to_change for r in _session(programme, key).responses], "tech")

    def mean_rating(key: str) -> str:
        return (
            f"{statistics.mean(r.overall_rating for r in _session(programme, key).responses):.1f}"
        )

    wifi, rerun = "haverleigh-getting-started", "haverleigh-getting-started-rerun"
    tech = _lesson(programme, "tech-check-an-hour-early")
    assert tech.status == "validated"
    assert tech.source_session_key == wifi and tech.applied_session_key == rerun
    n_wifi, n_rerun = (
        len(_session(programme, wifi).responses),
        len(_session(programme, rerun).responses),
    )
    assert f"{tech_complaints(wifi)} of {n_wifi} responses" in tech.effectiveness_evidence
    assert f"to {tech_complaints(rerun)} of {n_rerun}" in tech.effectiveness_evidence
    assert f"{mean_rating(wifi)} → {mean_rating(rerun)}" in tech.effectiveness_evidence

    overran, rebalanced = "calderbrook-intro-social-media", "calderbrook-intro-rebalanced"
    shorter = _lesson(programme, "shorter-sessions-more-hands-on")
    too_long = sum(r.length == "too_long" for r in _session(programme, overran).responses)
    answered = sum(r.length is not None for r in _session(programme, overran).responses)
    assert f"from {too_long} of {answered} who answered" in shorter.effectiveness_evidence
    assert f"{mean_rating(overran)} → {mean_rating(rebalanced)}" in shorter.effectiveness_evidence
    for lesson in programme.lessons:
        if lesson.effectiveness_evidence:
            assert " of " in lesson.effectiveness_evidence
            assert any(c.isdigit() for c in lesson.effectiveness_evidence)


def test_the_seed_blog_lessons_are_all_in_the_register(programme: DemoProgramme) -> None:
    titles = " ".join(lesson.title.lower() for lesson in programme.lessons)
    for phrase in (
        "all councillors are different",
        "flexible",
        "co-deliver",
        "convinced",
        "democratic services and web team",
        "get there early",
        "post your learning",
        "beginner and confident",
        "printed",
        "room booking",
        "webinar",
        "pre-election",
    ):
        assert phrase in titles, phrase


def test_reflections_and_lessons_are_deterministic() -> None:
    a, b = generate_programme(TODAY), generate_programme(TODAY)
    assert a.reflections == b.reflections and a.lessons == b.lessons
    later = generate_programme(dt.date(2026, 6, 3))
    assert [lesson.key for lesson in a.lessons] == [lesson.key for lesson in later.lessons]
    assert [lesson.status for lesson in a.lessons] == [lesson.status for lesson in later.lessons]
    assert isinstance(a.lessons, tuple) and isinstance(a.reflections, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.lessons[0].status = "archived"  # type: ignore[misc]


def test_other_seeds_still_give_a_sound_register() -> None:
    for seed in (1, 42):
        programme = generate_programme(TODAY, seed=seed)
        assert len(programme.lessons) >= 15
        for lesson in programme.lessons:
            assert _replay(lesson) == []
            for evidence in lesson.evidence:
                if evidence.kind == "comment":
                    session = _session(programme, evidence.session_key)
                    assert evidence.response_index is not None and evidence.question
                    response = session.responses[evidence.response_index]
                    assert getattr(response, evidence.question).strip()
