"""Sign in (and, once signed in, your account): staff pages open with the staff password;
attendees never need it."""

import streamlit as st

from lessons import auth, ui_auth, ui_forms, ui_widgets
from lessons.errors import ValidationError

ui_widgets.apply_base_style()

if ui_auth.staff_signed_in():
    if st.session_state.pop("sign_in_just_now", False):
        st.switch_page("pages/home.py")
    st.title("Your account")
    if auth.configured_secret() is None:
        st.info(
            "Open mode: no staff password is set, so anyone who can reach this server sees"
            " every page. Set LESSONS_STAFF_PASSWORD (see the README) for real use."
        )
    else:
        st.markdown(f"Signed in as **{ui_widgets.plain(ui_auth.current_user())}**.")
        if st.button("Sign out", key="sign_in_sign_out"):
            ui_auth.sign_out()
            st.rerun()
    st.stop()

st.title("Sign in")
st.caption(
    "For facilitators and programme leads. Councillors giving feedback don't need to sign"
    " in: they use the link, QR code or code from the session."
)
with st.form("sign_in_form"):
    name = st.text_input("Your name", max_chars=100, key="sign_in_name")
    password = st.text_input(
        "Staff password", type="password", max_chars=200, key="sign_in_password"
    )
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    errors = auth.sign_in_errors(name, password, auth.configured_secret())
    if errors:
        ui_forms.show_validation_errors(
            ValidationError(errors), {"name": "Your name", "password": "Password"}
        )
    else:
        ui_auth.sign_in(name)
        st.session_state["sign_in_just_now"] = True
        st.rerun()
st.page_link(
    "pages/feedback.py", label="Give feedback on a session instead", icon=":material/rate_review:"
)
