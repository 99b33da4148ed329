"""People (Settings): staff accounts and their roles, and recent failed sign-ins."""

from collections.abc import Callable

import streamlit as st

from lessons import accounts, ui_auth, ui_data, ui_forms, ui_widgets
from lessons.auth import ROLES
from lessons.errors import ValidationError

plain = ui_widgets.plain
me = ui_auth.require_role("admin")
database = ui_data.database()
LABELS = {"email": "Email", "name": "Name", "role": "Role", "password": "Password"}

st.title("People")
st.caption(
    "Facilitators use sessions, plans, post-mortems, comments and lessons; programme leads"
    " also see trends and reports and review the register (validate, archive, hand a"
    " reflection to its author); administrators also manage people and themes."
)
if flash := st.session_state.pop("people_flash", None):
    st.success(flash, icon=":material/check:")


def attempt(change: Callable[[], object], message: str) -> None:
    """Make the change; say what to fix, or say it is done."""
    try:
        change()
    except ValidationError as invalid:
        ui_forms.show_validation_errors(invalid, LABELS)
    else:
        st.session_state["people_flash"] = message
        st.rerun()


with st.expander("Add a person", icon=":material/person_add:"):
    with st.form("people_add", clear_on_submit=False):
        name = st.text_input("Name", max_chars=100, key="people_add_name")
        email = st.text_input("Email address", max_chars=254, key="people_add_email")
        role = st.selectbox(
            "Role", list(ROLES), format_func=ROLES.__getitem__, key="people_add_role"
        )
        password = st.text_input(
            "Password (optional)",
            type="password",
            max_chars=200,
            help="Leave blank for someone who signs in with your organisation's single"
            " sign-on; you can set a password later.",
            key="people_add_password",
        )
        add = st.form_submit_button("Add", type="primary")
    if add:
        attempt(
            lambda: accounts.add_account(database, email, name, role, password or None, me),
            f"Added {plain(name.strip())} as {ROLES[role].lower()}.",
        )

people = accounts.list_accounts(database)
ui_widgets.key_columns_table(
    [
        {
            "Name": a.display_name,
            "Email": a.email,
            "Role": ROLES[a.role],
            "Active": a.active,
            "Signs in with": "password or single sign-on"
            if a.has_password
            else "single sign-on only",
        }
        for a in people
    ],
    key_columns=["Name", "Role", "Active"],
    key="people_table",
)

if people:
    by_id = {a.id: a for a in people}
    chosen = by_id[
        ui_forms.choose_by_id(
            "Change an account",
            {a.id: f"{a.display_name} <{a.email}>" for a in people},
            key="people_chosen",
            asked="account",
        )
    ]
    role_col, name_col = st.columns(2)
    with role_col.form(f"people_role_{chosen.id}"):
        new_role = st.selectbox(
            "Role",
            list(ROLES),
            index=list(ROLES).index(chosen.role),
            format_func=ROLES.__getitem__,
            key=f"people_role_value_{chosen.id}",
        )
        if st.form_submit_button("Change role"):
            attempt(
                lambda: accounts.set_role(database, chosen.id, new_role, me),
                f"{plain(chosen.display_name)} is now {ROLES[new_role].lower()}.",
            )
    with name_col.form(f"people_rename_{chosen.id}"):
        new_name = st.text_input(
            "Name", value=chosen.display_name, max_chars=100, key=f"people_name_{chosen.id}"
        )
        if st.form_submit_button("Rename"):
            attempt(
                lambda: accounts.rename_account(database, chosen.id, new_name, me),
                f"Renamed to {plain(new_name.strip())}.",
            )
    with st.form(f"people_password_{chosen.id}"):
        new_password = st.text_input(
            "Set a new password (they are signed out everywhere)",
            type="password",
            max_chars=200,
            key=f"people_password_value_{chosen.id}",
        )
        if st.form_submit_button("Set password"):
            attempt(
                lambda: accounts.reset_password(database, chosen.id, new_password, me),
                f"Set a new password for {plain(chosen.display_name)}.",
            )
    label = "Reactivate" if not chosen.active else "Deactivate (signs them out at once)"
    if st.button(label, key=f"people_active_{chosen.id}"):
        attempt(
            lambda: accounts.set_active(database, chosen.id, not chosen.active, me),
            f"{plain(chosen.display_name)} is"
            f" {'active again' if not chosen.active else 'deactivated'}.",
        )

st.header("Failed sign-ins in the last 7 days")
failures = accounts.recent_sign_ins(database, days=7, failed_only=True)
if not failures:
    st.caption("None.")
else:
    ui_widgets.key_columns_table(
        [
            {
                "When": f.at,
                "How": "password" if f.method == "password" else "single sign-on",
                "Email typed": f.email or "(not an email address)",
                "Account": f.account_name or "",
                "From address": f.address or "this computer",
                "Why": f.reason,
            }
            for f in failures
        ],
        column_config={"When": st.column_config.DatetimeColumn(format="DD MMM YYYY, HH:mm:ss")},
        key_columns=["When", "Email typed", "Why"],
        key="people_failures",
    )
st.caption(
    "After 5 failed sign-ins in 15 minutes for one email or from one address, each further"
    " attempt must wait (15 seconds, doubling up to 15 minutes). Behind a reverse proxy the"
    " address is the client's only if the proxy sends X-Forwarded-For and the server trusts"
    " it (see the README)."
)
