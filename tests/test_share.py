import io

from PIL import Image

from lessons import share
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
