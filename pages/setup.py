"""Set up: the first account, an administrator, made on a laptop whose database has none.
Once any account exists, this page only says so."""

import streamlit as st

from lessons import accounts, ui_auth, ui_data, ui_forms, ui_widgets
from lessons.errors import ValidationError

ui_widgets.apply_base_style()
database = ui_data.database()

if accounts.any_accounts(database):
    st.title("Set up")
    st.info("This app is set up already. Sign in, or ask an administrator to add you.")
    st.markdown(":material/login: [Go to the sign-in page](sign_in)")
    st.stop()
if not ui_auth.open_mode():
    st.title("Set up")
    st.error(
        "The first account can be made here only while the server answers this computer"
        " alone (127.0.0.1). On a server, create it from a terminal:"
        f" `{accounts.FIRST_ACCOUNT_COMMAND}`."
    )
    st.stop()

st.title("Set up: the first administrator")
st.markdown(
    "Make your own account first. As administrator you then add everyone else on the"
    " **People** page, each with their role: facilitator, programme lead or administrator."
    " From then on every page needs signing in, and every change records who made it."
)
with st.form("setup_form"):
    name = st.text_input("Your name", max_chars=100, key="setup_name")
    email = st.text_input("Your email address", max_chars=254, key="setup_email")
    password = st.text_input(
        "A password (at least 10 characters)", type="password", max_chars=200, key="setup_password"
    )
    again = st.text_input("The password again", type="password", max_chars=200, key="setup_again")
    create = st.form_submit_button("Create my account", type="primary")
if create:
    try:
        if password != again:
            raise ValidationError({"password": "The two passwords differ."})
        accounts.create_first_account(database, email, name, password)
    except ValidationError as invalid:
        ui_forms.show_validation_errors(
            invalid, {"email": "Email", "name": "Name", "password": "Password", "account": "Set up"}
        )
    else:
        ui_auth.sign_in_with_password(email, password)
        st.switch_page("pages/people.py")
