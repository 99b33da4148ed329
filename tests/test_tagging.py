"""Comment analysis in the database: on save, corrections, incremental re-analysis."""

import pytest

from lessons import store, tagging
from lessons.auth import Actor
from lessons.errors import ValidationError
from lessons.feedback import FeedbackAnswer, submit_feedback
from tests.conftest import make_session, table_count

PRIYA = Actor(1, "Priya Shah", "admin")
TOM = Actor(2, "Tom Ellery", "admin")
ANN = Actor(3, "Ann Lee", "facilitator")


def submit(db, session, n, **answers):
    return submit_feedback(db, session.id, FeedbackAnswer(overall_rating=3, **answers), f"k{n}")


def comments(db, **where) -> list[store.AnalysedComment]:
    with db.reading() as cur:
        return store.analysed_comments(cur, store.CommentFilter(**where))


def by_text(db) -> dict[str, store.AnalysedComment]:
    return {c.text: c for c in comments(db)}


def test_the_default_taxonomy_is_seeded_once(db, db_path):
    with db.reading() as cur:
        ids = [t.id for t in store.all_themes(cur)]
    assert ids == [
        "pace", "hands_on", "relevance", "risk", "tech", "facilitation",
        "materials", "level", "platforms", "venue", "workload",
    ]  # fmt: skip
    assert tagging.seed_default_themes(db) is False


def test_every_comment_is_analysed_when_saved(db):
    session = make_session(db)
    submit(
        db,
        session,
        1,
        went_well="Really useful, but far too long",
        to_change="The wifi did not work",
    )
    found = by_text(db)
    mixed = found["Really useful, but far too long"]
    assert mixed.label is not None and mixed.mixed
    assert "pace" in mixed.themes
    assert mixed.theme_labels["pace"] == "negative"
    assert mixed.evidence["pace"]
    wifi = found["The wifi did not work"]
    assert wifi.label == "negative"
    assert "tech" in wifi.themes
    assert table_count(db, "comment_analysis") == 2


def test_nothing_to_change_is_not_a_complaint(db):
    session = make_session(db)
    submit(db, session, 1, to_change="Nothing")
    assert by_text(db)["Nothing"].label != "negative"


def test_a_correction_is_what_pages_show_and_survives_reanalysis(db):
    session = make_session(db)
    submit(db, session, 1, to_change="Could the room be warmer")
    [comment] = comments(db)
    tagging.correct_comment(db, comment.id, "neutral", ["venue", "workload"])
    [corrected] = comments(db)
    assert corrected.label == "neutral" and corrected.label_corrected
    assert set(corrected.themes) == {"venue", "workload"}

    # A taxonomy edit re-analyses the comment; the person's corrections still win.
    with db.reading() as cur:
        venue = next(t for t in store.all_themes(cur) if t.id == "venue")
    tagging.save_theme(
        db, tagging._replace(venue, include_terms=(*venue.include_terms, "warmer")), is_new=False
    )
    report = tagging.reanalyse(db, workers=1)
    assert report.analysed >= 1
    [after] = comments(db)
    assert after.label == "neutral" and set(after.themes) == {"venue", "workload"}
    assert "venue" in after.machine_themes


def test_agreeing_with_the_machine_clears_the_correction(db):
    session = make_session(db)
    submit(db, session, 1, to_change="The wifi did not work")
    [comment] = comments(db)
    tagging.correct_comment(db, comment.id, "neutral", [])
    tagging.correct_comment(db, comment.id, comment.machine_label, list(comment.machine_themes))
    [again] = comments(db)
    assert not again.label_corrected
    assert again.themes == comment.machine_themes
    assert table_count(db, "comment_theme_corrections") == 0


def test_reanalysis_after_a_taxonomy_edit_touches_only_what_it_can_affect(db):
    session = make_session(db)
    texts = [
        "The room was freezing",
        "Great examples from other councillors",
        "More time on Facebook please",
        "Clear slides",
        "Loved the cake and biscuits",
    ]
    for n, text in enumerate(texts):
        submit(db, session, n, went_well=text)
    assert tagging.reanalyse(db, workers=1).analysed == 0  # everything is current

    with db.reading() as cur:
        venue = next(t for t in store.all_themes(cur) if t.id == "venue")
    tagging.save_theme(
        db, tagging._replace(venue, include_terms=(*venue.include_terms, "cake")), is_new=False
    )
    progress: list[tuple[int, int]] = []
    report = tagging.reanalyse(
        db, workers=1, progress=lambda done, total: progress.append((done, total))
    )
    assert report.changed_themes == ("venue",)
    # The room comment (tagged venue) and the cake comment (newly matching): not the other three.
    assert report.analysed == 2
    assert progress[0] == (0, 2) and progress[-1] == (2, 2)
    assert "venue" in by_text(db)["Loved the cake and biscuits"].themes


def test_a_retired_theme_stops_tagging(db):
    session = make_session(db)
    submit(db, session, 1, went_well="The room was freezing")
    with db.reading() as cur:
        venue = next(t for t in store.all_themes(cur) if t.id == "venue")
    tagging.save_theme(db, tagging._replace(venue, retired=True), is_new=False)
    tagging.reanalyse(db, workers=1)
    assert "venue" not in by_text(db)["The room was freezing"].themes


def test_an_emerging_phrase_added_to_a_theme_tags_its_comments(db):
    session = make_session(db)
    submit(db, session, 1, went_well="The buddy scheme idea")
    submit(db, session, 2, to_change="Start a buddy scheme for new members")
    assert all(not c.themes for c in comments(db))
    phrases = tagging.emerging_phrases([c.text for c in comments(db, untagged_only=True)])
    assert phrases[0].phrase == "buddy scheme" and phrases[0].count == 2
    tagging.add_term_to_theme(db, "materials", "buddy scheme")
    tagging.reanalyse(db, workers=1)
    assert all("materials" in c.themes for c in comments(db))
    assert comments(db, untagged_only=True) == []


@pytest.mark.parametrize(
    ("theme", "field", "words"),
    [
        (dict(id="Bad Id!"), "id", "lower-case letters"),
        (dict(id="pace"), "id", "already exists"),
        (dict(name=" "), "name", "Give the theme a name"),
        (dict(include_terms=(), phrases=()), "include_terms", "can never match"),
        (dict(phrases=("x" * 61,)), "phrases", "too long"),
    ],
)
def test_a_bad_theme_is_refused_with_what_to_fix(db, theme, field, words):
    values = dict(
        id="accessibility", name="Accessibility", description="", include_terms=("hearing",),
        phrases=(), exclude_terms=(), position=0, retired=False,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        tagging.save_theme(db, store.ThemeRow(**(values | theme)), is_new=True)
    assert words in refused.value.errors[field]


def test_the_preview_shows_matches_before_saving():
    draft = tagging.definition(
        store.ThemeRow("access", "Access", "", ("hearing", "loop"), ("large print",), (), 0, False)
    )
    preview = tagging.preview_theme(
        draft,
        ["Needed a hearing loop", "Great session"],
        ["large print handouts", "nice", "my hearing aid"],
    )
    assert preview.samples[0][1] == ("hearing", "loop")
    assert preview.samples[1][1] == ()
    assert (preview.stored_matches, preview.stored_total) == (2, 3)


def test_split_terms_reads_lines_and_commas():
    assert tagging.split_terms("Wifi, wi-fi\n\n  log  in \nwifi") == ("wifi", "wi-fi", "log in")


def test_a_batch_of_analyses_replaces_what_was_stored(db):
    session = make_session(db)
    submit(db, session, 1, went_well="The wifi did not work", to_change="Far too long")
    [first, second] = sorted(comments(db), key=lambda c: c.id)
    with db.reading() as cur:
        matcher = tagging.current_matcher(cur)
    swapped = [
        (first.id, tagging.analyse_answer(matcher, "went_well", "Too long, and rushed")),
        (second.id, tagging.analyse_answer(matcher, "to_change", "The wifi did not work")),
    ]
    with db.transaction() as cur:
        tagging.store_analyses(cur, swapped)
    after = {c.id: c for c in comments(db)}
    assert "pace" in after[first.id].machine_themes and "tech" not in after[first.id].themes
    assert "tech" in after[second.id].machine_themes and "pace" not in after[second.id].themes
    assert table_count(db, "comment_analysis") == 2
    with db.reading() as cur:
        sessions = cur.execute("SELECT DISTINCT session_id FROM comment_themes").fetchall()
    assert sessions == [(session.id,)]


def test_a_correction_records_who_made_it(db):
    session = make_session(db)
    submit(db, session, 1, to_change="Could the room be warmer")
    [comment] = comments(db)
    assert comment.corrected_by is None
    tagging.correct_comment(db, comment.id, "neutral", ["venue", "workload"], actor=PRIYA)
    [corrected] = comments(db)
    assert corrected.corrected_by == "Priya Shah"
    with db.reading() as cur:
        label_by = cur.execute("SELECT corrected_by FROM comment_label_corrections").fetchall()
        theme_by = cur.execute("SELECT corrected_by FROM comment_theme_corrections").fetchall()
    assert label_by == [("Priya Shah",)] and set(theme_by) == {("Priya Shah",)}


def theme_history(db, theme_id):
    with db.reading() as cur:
        return [(e.actor, e.action, e.detail) for e in store.audit_for(cur, "theme", theme_id)]


def test_every_theme_edit_is_audited_with_who_made_it(db):
    new = store.ThemeRow("access", "Access", "", ("hearing",), (), (), 0, False)
    tagging.save_theme(db, new, is_new=True, actor=PRIYA)
    with db.reading() as cur:
        saved = next(t for t in store.all_themes(cur) if t.id == "access")
    tagging.save_theme(
        db, tagging._replace(saved, name="Accessibility", include_terms=("hearing", "loop")),
        is_new=False, actor=TOM,
    )  # fmt: skip
    tagging.save_theme(db, tagging._replace(saved, name="Accessibility",
                                            include_terms=("hearing", "loop")),
                       is_new=False, actor=TOM)  # fmt: skip
    tagging.add_term_to_theme(db, "access", "large print", actor=ANN)
    assert theme_history(db, "access") == [
        ("Priya Shah", "created", "Added the theme 'Access'"),
        ("Tom Ellery", "edited", "Changed name, include_terms"),  # the repeat changed nothing
        ("Ann Lee", "term_added", "Added the phrase 'large print'"),
    ]


def test_a_theme_edit_without_a_name_is_recorded_as_unknown(db):
    with db.reading() as cur:
        venue = next(t for t in store.all_themes(cur) if t.id == "venue")
    tagging.save_theme(db, tagging._replace(venue, retired=True), is_new=False)
    assert theme_history(db, "venue") == [("unknown", "edited", "Changed retired")]


def test_the_settings_preview_reads_the_newest_comments_only(db, monkeypatch):
    session = make_session(db)
    for n in range(4):
        submit(db, session, n, went_well=f"Comment number {n} about the session")
    monkeypatch.setattr(tagging, "PREVIEW_COMMENTS", 3)
    monkeypatch.setattr(tagging, "SAMPLE_COMMENTS", 2)
    texts = tagging.preview_texts(db)
    assert texts.stored == [f"Comment number {n} about the session" for n in (1, 2, 3)]
    assert texts.samples == [f"Comment number {n} about the session" for n in (3, 2)]


def test_a_theme_typed_in_settings(db):
    typed = tagging.theme_from_form(
        tagging.blank_theme(), " Access ", "Access", "", "Hearing, loop\nloop", "large print", "",
        retired=False,
    )  # fmt: skip
    assert (typed.id, typed.include_terms, typed.phrases) == (
        "access", ("hearing", "loop"), ("large print",),
    )  # fmt: skip


def test_the_untagged_queue_ignores_the_theme_filter(db):
    session = make_session(db)
    submit(db, session, 1, went_well="The buddy scheme idea")
    submit(db, session, 2, to_change="The wifi did not work")
    untagged = tagging.find_comments(db, theme_id="tech", untagged_only=True)
    assert [c.text for c in untagged] == ["The buddy scheme idea"]
    assert [c.text for c in tagging.find_comments(db, theme_id="tech")] == ["The wifi did not work"]
