"""Privacy: the notice attendees read, how long answers are kept, erasure and subject access."""

import streamlit as st

from lessons import privacy, ui_auth, ui_data, ui_forms, ui_widgets
from lessons.errors import ValidationError
from lessons.privacy import MAX_RETENTION_MONTHS, MIN_RETENTION_MONTHS
from lessons.privacy_notice import NOTICE_PATH, PrivacySettings
from lessons.wording import plural

FIELD_LABELS = {
    "controller": "Data controller",
    "team": "Who runs the training",
    "dpo_email": "Data protection officer's email",
    "address": "Postal address",
    "retention_months": "Keep answers for",
    "query": "Name or email",
    "responses": "Responses",
}

plain = ui_widgets.plain
me = ui_auth.require_role("admin")
database = ui_data.database()
st.title("Privacy")

if flash := st.session_state.pop("privacy_flash", None):
    st.success(flash, icon=":material/check:")

settings = privacy.privacy_settings(database)
notice_tab, retention_tab, people_tab, record_tab = st.tabs(
    ["Privacy notice", "Retention", "Erasure and subject access", "Record"]
)

with notice_tab:
    st.caption(
        "Attendees read the notice from the foot of the feedback form. The words are fixed"
        " (purpose, lawful basis: public task, what is kept, their rights); these details"
        " are yours."
    )
    if not settings.complete:
        st.warning(
            "Fill in the data controller and the data protection officer's email before"
            " sharing feedback links: until then the notice tells attendees to ask the"
            " facilitator.",
            icon=":material/warning:",
        )
    with st.form("privacy_notice_form"):
        controller = st.text_input(
            "Data controller (usually the council)",
            value=settings.controller,
            max_chars=privacy.MAX_SETTING_CHARS,
            key="privacy_controller",
        )
        team = st.text_input(
            "Who runs the training (optional), e.g. the Member Development team",
            value=settings.team,
            max_chars=privacy.MAX_SETTING_CHARS,
            key="privacy_team",
        )
        dpo_email = st.text_input(
            "Data protection officer's email",
            value=settings.dpo_email,
            max_chars=privacy.MAX_SETTING_CHARS,
            key="privacy_dpo_email",
        )
        address = st.text_area(
            "Postal address (optional)",
            value=settings.address,
            max_chars=privacy.MAX_SETTING_CHARS,
            height=80,
            key="privacy_address",
        )
        months = st.number_input(
            "Keep answers for (months)",
            min_value=MIN_RETENTION_MONTHS,
            max_value=MAX_RETENTION_MONTHS,
            value=settings.retention_months,
            step=1,
            key="privacy_retention_months",
        )
        saved = st.form_submit_button("Save", type="primary")
    if saved:
        try:
            changed = privacy.save_privacy_settings(
                database,
                PrivacySettings(controller, team, dpo_email, address, int(months)),
                me,
            )
        except ValidationError as invalid:
            ui_forms.show_validation_errors(invalid, FIELD_LABELS)
        else:
            st.session_state["privacy_flash"] = (
                "Saved." if changed else "Nothing had changed: nothing saved."
            )
            st.rerun()
    st.markdown(f"[Open the notice as attendees see it]({ui_widgets.base_path()}{NOTICE_PATH})")

with retention_tab:
    due = privacy.purge_preview(database)
    st.markdown(
        f"Answers are kept for **{plural(due.months, 'month')}**, then deleted with everything"
        " worked out from them (analyses, corrections, and lessons' links to them: the lessons"
        f" stay, and their history says a link went). Due now: what was sent before"
        f" **{due.cutoff:%-d %B %Y}**. Deleting it also deletes the backups taken before"
        " that day (Settings → Backups)."
    )
    counts = st.columns(4)
    counts[0].metric("Responses", f"{due.held.responses:,}")
    counts[1].metric("Comments", f"{due.held.comments:,}")
    counts[2].metric("Contact details", f"{due.held.contacts:,}")
    counts[3].metric("Links from lessons", f"{due.held.lesson_links:,}")
    if not due.held.responses:
        st.success("Nothing is older than the retention period.", icon=":material/check:")
    else:
        sure = st.checkbox(
            f"Delete {plural(due.held.responses, 'response')} for good", key="privacy_purge_sure"
        )
        if st.button(
            "Delete what is past the retention period",
            type="primary",
            disabled=not sure,
            key="privacy_purge",
        ):
            done = privacy.purge(database, me)
            ui_data.clear_read_cache()
            st.session_state["privacy_flash"] = f"Deleted {done.held.describe()}."
            st.rerun()
    # Plain quotes, not code: Streamlit fades code inside a caption below AA contrast.
    st.caption(
        "The command line does the same with the app stopped: “lessons privacy purge"
        " --dry-run” shows the counts, “lessons privacy purge” deletes."
    )

with people_tab:
    st.caption(
        "Attendees who ticked the box left a name or contact detail: find their answers by it"
        " to send them a copy (subject access) or to erase them. Anonymous answers cannot be"
        " traced to anyone; to remove one comment (one that names someone, say), use"
        " 'Remove' on the Comments page."
    )
    query = st.text_input("Name or email (part of it will do)", max_chars=200, key="privacy_query")
    matches = []
    if query.strip():
        try:
            matches = privacy.find_contacts(database, query)
        except ValidationError as invalid:
            ui_forms.show_validation_errors(invalid, FIELD_LABELS)
        else:
            if not matches:
                st.info("No kept name or contact detail contains that.")
    chosen = [
        match.response_id
        for match in matches
        if st.checkbox(
            plain(
                f"{match.contact_name or '—'} · {match.contact_detail or '—'} ·"
                f" {match.session_title} ({match.session_starts_at:%d %b %Y}) · response"
                f" #{match.response_id}, {plural(match.comments, 'comment')}"
            ),
            value=True,
            key=f"privacy_pick_{match.response_id}",
        )
    ]
    if matches:
        left, right = st.columns(2)
        with left:
            ui_auth.private_download(
                "Everything held for them (JSON)",
                lambda: privacy.subject_access(database, chosen, me),
                "subject-access.json",
                "application/json",
                key="privacy_export",
                disabled=not chosen,
            )
        with right.popover("Erase", icon=":material/delete:", width="stretch"):
            with_responses = st.checkbox(
                "Also delete their answers and comments (not only the name and contact details)",
                key="privacy_with_responses",
            )
            if st.button(
                "Erase for good", type="primary", disabled=not chosen, key="privacy_erase"
            ):
                try:
                    erased = privacy.erase_contacts(
                        database, chosen, me, with_responses=with_responses
                    )
                except ValidationError as invalid:
                    ui_forms.show_validation_errors(invalid, FIELD_LABELS)
                else:
                    ui_data.clear_read_cache()
                    st.session_state["privacy_flash"] = f"Erased {erased.describe()}."
                    st.rerun()

with record_tab:
    st.caption(
        "Every settings change, purge, erasure and export, newest first. Erasures are recorded"
        " by counts and ids, never with what was erased."
    )
    ui_widgets.key_columns_table(
        [
            {"When": r.changed_at, "Who": r.actor, "What": r.action, "Detail": r.detail}
            for r in privacy.record(database)
        ],
        column_config={"When": st.column_config.DatetimeColumn(format="DD MMM YYYY, HH:mm")},
        key_columns=["When", "What"],
        key="privacy_record",
    )
