"""Accounts, roles, sign-in with throttling, browser sessions, open mode (the domain)."""

from datetime import date, datetime, timedelta

import pytest

from lessons import accounts, store
from lessons.auth import COMMAND_LINE, SESSION_COOKIE, Actor
from lessons.errors import NotAllowed, ValidationError
from tests.conftest import make_account

T0 = datetime(2026, 3, 2, 9, 0)
PASSWORD = "council staff only"


def audit(db, account_id):
    with db.reading() as cur:
        return [(e.actor, e.action, e.detail) for e in store.audit_for(cur, "account", account_id)]


def events(db):
    with db.reading() as cur:
        return cur.execute(
            "SELECT method, email, account_id, address, succeeded, reason FROM sign_in_events"
            " ORDER BY id"
        ).fetchall()


def test_an_account_is_added_with_its_role_and_audited(db):
    account_id = accounts.add_account(
        db, "Priya.Shah@Calderbrook.gov.uk", "Priya Shah", "lead", PASSWORD, COMMAND_LINE
    )
    priya = accounts.account_by_email(db, "priya.shah@calderbrook.GOV.UK")
    assert priya is not None and priya.id == account_id
    assert (priya.display_name, priya.role, priya.active, priya.has_password) == (
        "Priya Shah", "lead", True, True,
    )  # fmt: skip
    assert audit(db, account_id) == [
        ("command line", "created", "Priya.Shah@Calderbrook.gov.uk as programme lead")
    ]
    with db.reading() as cur:
        [[stored]] = cur.execute("SELECT password_hash FROM accounts").fetchall()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_an_email_has_one_account_whatever_its_case(db):
    make_account(db, "Priya Shah", email="priya@council.example")
    with pytest.raises(ValidationError) as taken:
        accounts.add_account(db, "PRIYA@Council.Example", "Someone", "facilitator")
    assert "Priya Shah already has an account" in taken.value.errors["email"]


@pytest.mark.parametrize(
    ("email", "name", "role", "password", "field"),
    [
        ("not-an-email", "Priya", "lead", None, "email"),
        ("p@council.example", " ", "lead", None, "name"),
        ("p@council.example", "Priya", "superuser", None, "role"),
        ("p@council.example", "Priya", "lead", "short", "password"),
    ],
)
def test_bad_accounts_are_refused_saying_what_to_fix(db, email, name, role, password, field):
    with pytest.raises(ValidationError) as refused:
        accounts.add_account(db, email, name, role, password)
    assert field in refused.value.errors
    assert accounts.list_accounts(db) == []


def test_only_an_administrator_manages_people(db):
    admin = make_account(db, "Fiona Marsden", "admin")
    lead = make_account(db, "Joanne Whitaker", "lead")
    with pytest.raises(NotAllowed):
        accounts.add_account(db, "new@council.example", "New", "facilitator", None, lead.actor())
    with pytest.raises(NotAllowed):
        accounts.set_role(db, admin.id, "facilitator", lead.actor())
    with pytest.raises(NotAllowed):
        accounts.set_active(db, admin.id, False, lead.actor())
    with pytest.raises(NotAllowed):
        accounts.reset_password(db, admin.id, "a new long password", lead.actor())
    accounts.reset_password(db, lead.id, "my own new password", lead.actor())  # one's own
    accounts.set_role(db, lead.id, "facilitator", admin.actor())
    assert audit(db, lead.id)[-1] == ("Fiona Marsden", "role", "Programme lead → Facilitator")


def test_the_last_active_administrator_stays(db):
    admin = make_account(db, "Fiona Marsden", "admin")
    with pytest.raises(NotAllowed) as alone:
        accounts.set_role(db, admin.id, "lead", admin.actor())
    assert "only active administrator" in alone.value.errors["role"]
    with pytest.raises(NotAllowed):
        accounts.set_active(db, admin.id, False, admin.actor())
    second = make_account(db, "Imran Qureshi", "admin")
    accounts.set_active(db, admin.id, False, second.actor())
    assert not accounts.account_by_id(db, admin.id).active  # type: ignore[union-attr]


def test_a_password_signs_in_and_every_attempt_is_logged_without_it(db):
    priya = make_account(db, "Priya Shah", "facilitator", password=PASSWORD)
    ok = accounts.sign_in_with_password(db, "PRIYA.SHAH@council.example", PASSWORD, "10.0.0.7", T0)
    assert ok.account is not None and ok.account.id == priya.id
    wrong = accounts.sign_in_with_password(db, "priya.shah@council.example", "guess", None, T0)
    assert wrong.account is None and "don't match an active account" in wrong.refusal
    nobody = accounts.sign_in_with_password(db, "nobody@council.example", PASSWORD, None, T0)
    assert nobody.refusal == wrong.refusal  # an unknown email is not told apart
    typo = accounts.sign_in_with_password(db, "my secret password", "x", None, T0)
    assert typo.account is None
    assert events(db) == [
        ("password", "PRIYA.SHAH@council.example", priya.id, "10.0.0.7", True, ""),
        ("password", "priya.shah@council.example", priya.id, None, False, "wrong password"),
        ("password", "nobody@council.example", None, None, False, "unknown email"),
        # What was typed in the email box is kept only when it is an email address.
        ("password", "", None, None, False, "unknown email"),
    ]
    with db.reading() as cur:
        logged = str(cur.execute("SELECT * FROM sign_in_events").fetchall())
    assert PASSWORD not in logged and "guess" not in logged and "secret" not in logged


def test_a_deactivated_or_password_less_account_cannot_sign_in_with_a_password(db):
    make_account(db, "Admin", "admin")
    priya = make_account(db, "Priya Shah", "facilitator", password=PASSWORD)
    sso_only = make_account(db, "Tom Ellery", "facilitator")
    accounts.set_active(db, priya.id, False, COMMAND_LINE)
    gone = accounts.sign_in_with_password(db, "priya.shah@council.example", PASSWORD, None, T0)
    assert gone.account is None and "deactivated" in gone.refusal
    none = accounts.sign_in_with_password(db, "tom.ellery@council.example", "", None, T0)
    assert none.account is None
    assert [e[-1] for e in events(db)] == ["deactivated", "no password (single sign-on only)"]
    assert sso_only.has_password is False


def test_five_failures_bring_a_wait_that_doubles_and_says_so(db):
    make_account(db, "Priya Shah", "facilitator", password=PASSWORD)
    email = "priya.shah@council.example"
    for n in range(4):
        refused = accounts.sign_in_with_password(
            db, email, "guess", "10.0.0.7", T0 + timedelta(seconds=n)
        )
        assert "wait" not in refused.refusal.lower()
    fifth = accounts.sign_in_with_password(
        db, email, "guess", "10.0.0.7", T0 + timedelta(seconds=4)
    )
    assert "Too many failed sign-ins: wait 15 seconds" in fifth.refusal
    # Too soon: refused unchecked, even with the right password, and it says how long.
    early = accounts.sign_in_with_password(
        db, email, PASSWORD, "10.0.0.7", T0 + timedelta(seconds=10)
    )
    assert early.account is None and "Wait 9 seconds" in early.refusal
    # After the wait the password is checked again; another failure doubles the wait.
    sixth = accounts.sign_in_with_password(
        db, email, "guess", "10.0.0.7", T0 + timedelta(seconds=20)
    )
    assert "wait 30 seconds" in sixth.refusal
    later = T0 + timedelta(seconds=51)
    assert accounts.sign_in_with_password(db, email, PASSWORD, "10.0.0.7", later).account
    assert [e[-1] for e in events(db)].count("throttled") == 1


def test_failures_from_one_address_slow_every_email_tried_from_it(db):
    make_account(db, "Priya Shah", "facilitator", password=PASSWORD)
    for n in range(5):
        accounts.sign_in_with_password(
            db, f"guess{n}@council.example", "x", "203.0.113.9", T0 + timedelta(seconds=n)
        )
    blocked = accounts.sign_in_with_password(
        db, "priya.shah@council.example", PASSWORD, "203.0.113.9", T0 + timedelta(seconds=6)
    )
    assert blocked.account is None and "from this address" in blocked.refusal
    elsewhere = accounts.sign_in_with_password(
        db, "priya.shah@council.example", PASSWORD, "198.51.100.1", T0 + timedelta(seconds=6)
    )
    assert elsewhere.account is not None
    # The window is 15 minutes: old failures no longer count.
    later = T0 + timedelta(minutes=16)
    assert accounts.sign_in_with_password(
        db, "priya.shah@council.example", PASSWORD, "203.0.113.9", later
    ).account


def test_recent_failures_are_listed_for_the_administrator(db):
    make_account(db, "Priya Shah", "facilitator", password=PASSWORD)
    accounts.sign_in_with_password(db, "priya.shah@council.example", "guess", "10.0.0.7", T0)
    accounts.sign_in_with_password(db, "priya.shah@council.example", PASSWORD, "10.0.0.7", T0)
    accounts.sign_in_with_password(db, "old@council.example", "x", None, T0 - timedelta(days=9))
    [failure] = accounts.recent_sign_ins(db, days=7, now=T0 + timedelta(hours=1))
    assert (failure.email, failure.account_name, failure.address, failure.reason) == (
        "priya.shah@council.example", "Priya Shah", "10.0.0.7", "wrong password",
    )  # fmt: skip


def test_single_sign_on_admits_active_accounts_only(db):
    priya = make_account(db, "Priya Shah", "facilitator")
    ok = accounts.sign_in_with_sso(db, "Priya.Shah@council.example", None, T0)
    assert ok.account is not None and ok.account.id == priya.id
    refused = accounts.sign_in_with_sso(db, "stranger@gmail.example", None, T0)
    assert refused.account is None
    assert "stranger@gmail.example has no active account" in refused.refusal
    unverified = accounts.sign_in_with_sso(db, None, None, T0)
    assert unverified.account is None and "verified email" in unverified.refusal
    assert [(e[0], e[4], e[5]) for e in events(db)] == [
        ("sso", True, ""),
        ("sso", False, "unknown email"),
        ("sso", False, "no verified email"),
    ]


def test_a_browser_session_ticket_becomes_a_cookie_token_once(db):
    priya = make_account(db, "Priya Shah", "facilitator")
    session_id, ticket = accounts.begin_browser_session(db, priya.id, T0)
    assert accounts.claim_browser_ticket(db, "forged", T0) is None
    claimed = accounts.claim_browser_ticket(db, ticket, T0 + timedelta(seconds=5))
    assert claimed is not None
    token, max_age = claimed
    assert max_age == 12 * 3600 - 5 and token != ticket
    assert accounts.claim_browser_ticket(db, ticket, T0 + timedelta(seconds=6)) is None  # once
    found = accounts.browser_account(db, token=token, now=T0 + timedelta(hours=1))
    assert found is not None and found == (session_id, priya)
    # Only digests are kept: a copy of the database holds no usable cookie.
    with db.reading() as cur:
        assert token not in str(cur.execute("SELECT * FROM account_sessions").fetchall())
    assert accounts.browser_account(db, token=token, now=T0 + timedelta(hours=13)) is None
    accounts.end_browser_session(db, session_id, T0 + timedelta(hours=2))
    assert accounts.browser_account(db, token=token, now=T0 + timedelta(hours=3)) is None
    assert SESSION_COOKIE == "lessons_session"


def test_a_ticket_not_fetched_within_two_minutes_is_dead(db):
    priya = make_account(db, "Priya Shah", "facilitator")
    _, ticket = accounts.begin_browser_session(db, priya.id, T0)
    assert accounts.claim_browser_ticket(db, ticket, T0 + timedelta(minutes=3)) is None


def test_deactivating_or_a_new_password_signs_browsers_out(db):
    admin = make_account(db, "Admin", "admin")
    priya = make_account(db, "Priya Shah", "facilitator")
    here, _ = accounts.begin_browser_session(db, priya.id, T0)
    there, _ = accounts.begin_browser_session(db, priya.id, T0)
    accounts.reset_password(
        db, priya.id, "a brand new password", priya.actor(), T0, keep_session_id=here
    )
    assert accounts.browser_account(db, session_id=here, now=T0) is not None
    assert accounts.browser_account(db, session_id=there, now=T0) is None
    accounts.set_active(db, priya.id, False, admin.actor(), T0)
    assert accounts.browser_account(db, session_id=here, now=T0) is None


def test_the_first_account_is_made_once_as_an_administrator(db):
    first = accounts.create_first_account(db, "fiona@council.example", "Fiona Marsden", PASSWORD)
    fiona = accounts.account_by_id(db, first)
    assert fiona is not None and fiona.role == "admin"
    assert audit(db, first) == [
        ("Fiona Marsden", "created", "fiona@council.example as administrator")
    ]
    with pytest.raises(NotAllowed):
        accounts.create_first_account(db, "eve@council.example", "Eve", PASSWORD)
    assert len(accounts.list_accounts(db)) == 1


def test_open_mode_and_the_start_up_check(db):
    assert accounts.open_mode(db, "127.0.0.1")
    assert not accounts.open_mode(db, "0.0.0.0")
    assert accounts.startup_problem(db, "127.0.0.1") is None
    refusal = accounts.startup_problem(db, "0.0.0.0")
    assert refusal is not None and "lessons users add" in refusal and "\n" not in refusal
    assert "every network interface" in (accounts.startup_problem(db, None) or "")
    make_account(db)
    assert not accounts.open_mode(db, "127.0.0.1")
    assert accounts.startup_problem(db, "0.0.0.0") is None


def test_the_demo_is_never_served_beyond_this_computer(demo_copy):
    db, _ = demo_copy(date(2026, 11, 25))
    assert accounts.is_demo(db)
    assert accounts.startup_problem(db, "127.0.0.1") is None
    assert "demo" in (accounts.startup_problem(db, "0.0.0.0") or "")


def test_changes_by_an_account_record_its_id_beside_its_name(db):
    priya = make_account(db, "Priya Shah", "facilitator")
    actor = priya.actor()
    assert actor == Actor(priya.id, "Priya Shah", "facilitator")
    accounts.rename_account(db, priya.id, "Priya Shah-Khan", COMMAND_LINE)
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT actor, actor_account_id, actor_typed FROM audit_log ORDER BY id"
        ).fetchall()
    assert rows[-1] == ("command line", None, False)
    assert audit(db, priya.id)[-1] == ("command line", "renamed", "Priya Shah → Priya Shah-Khan")
