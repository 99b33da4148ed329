"""The People, Set up and sign-in pages through AppTest."""

from datetime import date

from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from lessons import accounts, store
from lessons.demo_content import DEMO_PASSWORD
from lessons.reflections import save_reflection
from tests.conftest import ROOT, make_account, make_session, person, signed_in


def page(name: str) -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / name), default_timeout=60)


def test_an_administrator_adds_a_person_and_changes_their_role(db):
    fiona = make_account(db, "Fiona Marsden", "admin")
    at = signed_in(page("people.py"), fiona).run()
    assert not at.exception
    at.text_input(key="people_add_name").input("Tom Ellery")
    at.text_input(key="people_add_email").input("tom@council.example")
    at.selectbox(key="people_add_role").set_value("facilitator")
    at.button(key="FormSubmitter:people_add-Add").click().run()
    assert not at.exception
    assert "Added Tom Ellery as facilitator." in at.success[0].value
    tom = accounts.account_by_email(db, "TOM@council.example")
    assert tom is not None and tom.role == "facilitator" and not tom.has_password
    at.selectbox(key="people_chosen").set_value(tom.id).run()
    at.selectbox(key=f"people_role_value_{tom.id}").set_value("lead")
    at.button(key=f"FormSubmitter:people_role_{tom.id}-Change role").click().run()
    assert "Tom Ellery is now programme lead." in at.success[0].value
    with db.reading() as cur:
        [created, role] = store.audit_for(cur, "account", tom.id)
    assert (role.actor, role.actor_account_id) == ("Fiona Marsden", fiona.id)


def test_the_people_page_says_what_to_fix(db):
    fiona = make_account(db, "Fiona Marsden", "admin")
    at = signed_in(page("people.py"), fiona).run()
    at.text_input(key="people_add_name").input("Fiona again")
    at.text_input(key="people_add_email").input("FIONA.marsden@council.example")
    at.text_input(key="people_add_password").input("short")
    at.button(key="FormSubmitter:people_add-Add").click().run()
    message = at.error[0].value
    assert "already has an account" in message and "at least 10 characters" in message
    assert len(accounts.list_accounts(db)) == 1


def test_a_name_quoted_in_a_message_shows_as_typed(db):
    fiona = make_account(db, "Fiona Marsden", "admin")
    make_account(db, "**Tom** [x](http://evil.example)", "facilitator", email="tom@council.example")
    at = signed_in(page("people.py"), fiona).run()
    at.text_input(key="people_add_name").input("Tom again")
    at.text_input(key="people_add_email").input("tom@council.example")
    at.button(key="FormSubmitter:people_add-Add").click().run()
    assert not at.exception
    message = at.error[0].value
    # The typed name is escaped: no emphasis, no link (the message is Markdown).
    assert "\\*\\*Tom\\*\\* \\[x\\](http" in message and "**Tom**" not in message
    assert "already has an account" in message
    # And the flash after adding someone quotes the typed name as text too.
    at.text_input(key="people_add_name").input("Ann *Lee*")
    at.text_input(key="people_add_email").input("ann@council.example")
    at.button(key="FormSubmitter:people_add-Add").click().run()
    assert "Added Ann \\*Lee\\* as facilitator." in at.success[0].value


def test_an_administrator_sees_recent_failed_sign_ins(db):
    fiona = make_account(db, "Fiona Marsden", "admin")
    make_account(db, "Tom Ellery", "facilitator", password="the right password")
    accounts.sign_in_with_password(db, "tom.ellery@council.example", "wrong", "192.0.2.4")
    accounts.sign_in_with_password(db, "tom.ellery@council.example", "the right password")
    at = signed_in(page("people.py"), fiona).run()
    [_, failures] = at.dataframe
    rows = failures.value.to_dict("records")
    assert [(r["Email typed"], r["Account"], r["From address"], r["Why"]) for r in rows] == [
        ("tom.ellery@council.example", "Tom Ellery", "192.0.2.4", "wrong password")
    ]


def test_the_first_account_is_made_on_the_set_up_page_only_on_a_laptop(db):
    streamlit_config.set_option("server.address", "0.0.0.0")
    refused = page("setup.py").run()
    assert "only while the server answers this computer" in refused.error[0].value
    assert not refused.text_input
    streamlit_config.set_option("server.address", "127.0.0.1")
    at = page("setup.py").run()
    assert at.title[0].value == "Set up: the first administrator"
    at.text_input(key="setup_name").input("Fiona Marsden")
    at.text_input(key="setup_email").input("fiona@council.example")
    at.text_input(key="setup_password").input("a long passphrase")
    at.text_input(key="setup_again").input("a long passphrase")
    at.button(key="FormSubmitter:setup_form-Create my account").click().run()
    [fiona] = accounts.list_accounts(db)
    assert (fiona.display_name, fiona.role, fiona.has_password) == ("Fiona Marsden", "admin", True)
    assert at.session_state["auth_account_id"] == fiona.id  # and signed in
    again = page("setup.py").run()
    assert "set up already" in again.info[0].value and not again.text_input


def test_the_sign_in_page_shows_the_demo_passwords_only_for_the_demo(demo_copy, tmp_path):
    db, _ = demo_copy(date(2026, 11, 25))
    at = page("sign_in.py").run()
    assert any(DEMO_PASSWORD in m.value for m in at.markdown)
    assert "Joanne Whitaker" in at.dataframe[0].value["Name"].tolist()
    # A demo person signs in with it.
    at.text_input(key="sign_in_email").input("joanne.whitaker@councils.example")
    at.text_input(key="sign_in_password").input(DEMO_PASSWORD)
    at.button(key="FormSubmitter:sign_in_form-Sign in").click().run()
    assert at.session_state["auth_account_id"] == person(db, "Joanne Whitaker").id


def test_a_real_database_never_shows_a_password(db):
    make_account(db, "Fiona Marsden", "admin", password="a long passphrase")
    at = page("sign_in.py").run()
    assert at.title[0].value == "Sign in"
    assert not any(DEMO_PASSWORD in m.value for m in at.markdown) and not at.dataframe


def test_open_mode_on_the_account_page_says_how_to_make_the_first_account(db):
    at = page("sign_in.py").run()
    assert at.title[0].value == "Open mode"
    assert "create the first account" in at.info[0].value
    assert any("lessons users add" in c.value for c in at.caption)


def test_a_lead_hands_a_reflection_over_on_the_post_mortem_page(db):
    session = make_session(db, status="delivered")
    tom = make_account(db, "Tom Ellery", "facilitator")
    gareth = make_account(db, "Gareth Holroyd", "facilitator")
    joanne = make_account(db, "Joanne Whitaker", "lead")
    reflection_id = save_reflection(db, session.id, tom.actor(), "rolfe", {"what": "x"}, True)
    facilitator = signed_in(page("postmortem.py"), gareth)
    facilitator.session_state["postmortem_tab"] = "Reflections"  # only the open tab runs
    facilitator.run()
    assert not facilitator.exception and facilitator.title[0].value == "Post-mortem"
    keys = [s.key for s in facilitator.selectbox]
    assert "postmortem_session_id" in keys  # the page is there, without the hand-over
    assert f"postmortem_reassign_to_{reflection_id}" not in keys
    at = signed_in(page("postmortem.py"), joanne)
    at.session_state["postmortem_tab"] = "Reflections"
    at.run()
    at.selectbox(key=f"postmortem_reassign_to_{reflection_id}").set_value(gareth.id)
    at.button(key=f"postmortem_reassign_{reflection_id}").click().run()
    assert not at.exception
    assert "now belongs to Gareth Holroyd" in at.toast[0].value
    with db.reading() as cur:
        [reflection] = store.reflections_for_session(cur, session.id)
    assert reflection.author_account_id == gareth.id


def test_the_sign_in_page_says_how_long_to_wait_after_five_failures(db):
    make_account(db, "Priya Shah", "facilitator", password="council staff only")
    at = page("sign_in.py").run()
    for _ in range(5):
        at.text_input(key="sign_in_email").input("priya.shah@council.example")
        at.text_input(key="sign_in_password").input("guess")
        at.button(key="FormSubmitter:sign_in_form-Sign in").click().run()
    shown = at.error[0].value.replace("\\", "")  # the message is escaped as text
    assert "Too many failed sign-ins: wait 15 seconds" in shown
    at.text_input(key="sign_in_password").input("council staff only")
    at.button(key="FormSubmitter:sign_in_form-Sign in").click().run()
    assert "Too many failed sign-ins" in at.error[0].value.replace("\\", "")  # even so
    assert "auth_account_id" not in at.session_state
