"""Sign in (and, once signed in, your account): staff sign in with their email address and
password, or with their organisation's single sign-on; attendees never need to."""

import streamlit as st

from lessons import accounts, ui_auth, ui_data, ui_forms, ui_widgets
from lessons.auth import ROLES
from lessons.demo_content import DEMO_ACCOUNTS, DEMO_PASSWORD
from lessons.errors import ValidationError

plain = ui_widgets.plain
ui_widgets.apply_base_style()
database = ui_data.database()
account = ui_auth.current_account()

if account is not None:
    st.title("Your account")
    st.markdown(
        f"Signed in as **{plain(account.display_name)}** ({plain(account.email)}),"
        f" {ROLES[account.role].lower()}."
    )
    if st.button("Sign out", key="sign_in_sign_out", icon=":material/logout:"):
        ui_auth.sign_out()
    with st.expander("Change your password", icon=":material/password:"):
        with st.form("sign_in_new_password"):
            new = st.text_input("New password", type="password", max_chars=200)
            again = st.text_input("The new password again", type="password", max_chars=200)
            change = st.form_submit_button("Change password")
        if change:
            try:
                if new != again:
                    raise ValidationError({"password": "The two passwords differ."})
                accounts.reset_password(
                    database,
                    account.id,
                    new,
                    account.actor(),
                    keep_session_id=ui_auth.browser_session_id(),
                )
            except ValidationError as invalid:
                ui_forms.show_validation_errors(invalid, {"password": "Password"})
            else:
                st.success("Password changed. Other browsers signed in as you are signed out.")
    st.stop()

if ui_auth.open_mode():
    st.title("Open mode")
    st.info(
        "This database has no staff account yet, and the server answers only this computer,"
        " so every page is open without signing in. Before anyone else uses it, create the"
        " first account: an administrator, who then adds everyone else."
    )
    st.markdown(":material/key: [Create the first account](setup)")
    st.caption(
        "Or from a terminal, with the app stopped:"
        f" `{accounts.FIRST_ACCOUNT_COMMAND}`. On any other address the app refuses to"
        " start until an account exists."
    )
    st.stop()

st.title("Sign in")
st.caption(
    "For facilitators, programme leads and administrators. Councillors giving feedback don't"
    " need to sign in: they use the link, QR code or code from the session."
)
if refusal := ui_auth.sso_refusal():
    st.error(plain(refusal), icon=":material/block:")
    if st.button("Sign out of that account", key="sign_in_sso_sign_out"):
        ui_auth.sign_out()
if ui_auth.sso_available():
    if st.button(ui_auth.sso_label(), key="sign_in_sso", type="primary", icon=":material/domain:"):
        ui_auth.start_sso()
    st.caption("Or with your email address and a password for this app:")
with st.form("sign_in_form"):
    email = st.text_input("Email address", max_chars=254, key="sign_in_email")
    password = st.text_input("Password", type="password", max_chars=200, key="sign_in_password")
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    problem = ui_auth.sign_in_with_password(email, password)
    if problem:
        st.error(plain(problem), icon=":material/error:")
    else:
        st.switch_page("pages/home.py")

if accounts.is_demo(database):
    with st.container(border=True):
        st.markdown(
            f"**Demo accounts.** This database holds the demo programme. Every person in it"
            f" signs in with the password `{DEMO_PASSWORD}` (shown only while the demo is"
            " loaded; never use the demo database for real work)."
        )
        st.dataframe(
            [
                {"Name": name, "Email": email, "Role": ROLES[role]}
                for name, email, role in DEMO_ACCOUNTS
            ],
            hide_index=True,
            width="stretch",
        )

st.markdown(":material/rate_review: [Give feedback on a session instead](feedback)")
