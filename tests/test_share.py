import io
from dataclasses import replace

import pytest
from PIL import Image

from lessons import share
from lessons.i18n import translate
from lessons.sessions import poster_for
from tests.conftest import make_session


def test_links_carry_the_token_and_the_code(db, monkeypatch):
    monkeypatch.setenv("LESSONS_PUBLIC_URL", "https://feedback.calderbrook.gov.uk/")
    session = make_session(db)
    assert share.feedback_link(session.feedback_token) == (
        f"https://feedback.calderbrook.gov.uk/feedback?s={session.feedback_token}"
    )
    assert share.short_link(session.short_code).endswith(f"/feedback?c={session.short_code}")
    assert share.display_url(share.short_link(session.short_code)).startswith(
        "feedback.calderbrook.gov.uk/"
    )


def test_the_qr_code_is_a_square_png(db):
    session = make_session(db)
    image = Image.open(io.BytesIO(share.qr_png(share.feedback_link(session.feedback_token))))
    assert image.format == "PNG"
    assert image.width == image.height > 200


def test_the_poster_is_a_one_page_a4_pdf(db):
    session = make_session(db, title="A very long session title " * 4)
    pdf = share.poster_pdf(poster_for(session))
    assert pdf.startswith(b"%PDF")
    assert (
        pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page/") >= 1
    )
    image = share.poster_image(poster_for(session))
    assert image.size == share.A4_PIXELS


def test_links_use_lessons_public_url_or_else_the_address_in_use(monkeypatch):
    monkeypatch.delenv("LESSONS_PUBLIC_URL", raising=False)
    # `make run PORT=8611`, opened from another computer on the network: links on 8611.
    assert share.public_url("http://192.168.1.20:8611") == "http://192.168.1.20:8611"
    assert share.feedback_link("tok", share.public_url("http://192.168.1.20:8611")) == (
        "http://192.168.1.20:8611/feedback?s=tok"
    )
    monkeypatch.setenv("LESSONS_PUBLIC_URL", "https://feedback.calderbrook.gov.uk/")
    assert share.public_url("http://127.0.0.1:8611") == "https://feedback.calderbrook.gov.uk"


@pytest.mark.parametrize(
    ("url", "unreachable"),
    [
        ("http://localhost:8501", True),
        ("http://127.0.0.1:8611", True),
        ("http://app.localhost", True),
        ("http://192.168.1.20:8611", False),
        ("https://feedback.calderbrook.gov.uk", False),
    ],
)
def test_an_address_phones_cannot_reach_is_recognised(url, unreachable):
    assert share.unreachable_from_a_phone(url) is unreachable


def test_the_poster_speaks_the_sessions_language(db):
    english = poster_for(make_session(db))
    welsh = replace(english, language="cy")
    assert share.poster_png(english) != share.poster_png(welsh)
    assert translate("cy", "Tell us how it went") == "Dywedwch wrthym ni sut aeth hi"


def test_the_qr_code_as_svg_scales_to_the_screen():
    svg = share.qr_svg("https://feedback.calderbrook.gov.uk/feedback?s=tok")
    assert svg.startswith("<svg") and 'viewBox="0 0 ' in svg and "width=" not in svg
